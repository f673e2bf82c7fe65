/**
 * The demo data set behind `npm run db:seed`: a fictional county election (Harbor County and its
 * city, Port Alder) with contests, candidates, two ballot measures, demo logins for every role,
 * a few hundred voter questions and their votes. Everything is made up; every name is fictional.
 *
 * The logins live in `demo-accounts.json`, which this seed reads, so anything else that needs
 * them (docs, end-to-end tests) reads the same file and cannot disagree with what was created.
 * Randomness comes from a seeded PRNG, so two runs produce the same content; only ids and
 * timestamps (relative to "now") differ.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Knex } from "knex";
import pgvector from "pgvector";
import { z } from "zod";
import type { Db } from "~/lib/db.server";
import { hashingEmbedding } from "~/lib/embeddings.server";
import { generateTestClip, mediaToolsAvailable } from "~/lib/media-tools.server";
import { hashPassword } from "~/lib/password.server";
import { normalizeStreetName } from "~/services/ballots.server";
import { attachCaptions, processVideo, storeOriginal } from "~/services/videos.server";
import accountsJson from "./demo-accounts.json" with { type: "json" };

type Language = "en" | "es";
type I18n = Record<Language, string>;
type Trx = Knex.Transaction;

// ---------------------------------------------------------------------------------------------
// Data tables
// ---------------------------------------------------------------------------------------------

const COUNTY_OCD_ID = "ocd-division/country:us/state:ca/county:harbor";
// OCD nests places directly under the state, not under their county.
const CITY_OCD_ID = "ocd-division/country:us/state:ca/place:port_alder";

const COUNTY = {
  slug: "harbor-county",
  kind: "county",
  ocd_id: COUNTY_OCD_ID,
  name: { en: "Harbor County", es: "Condado de Harbor" },
  time_zone: "America/Los_Angeles",
};

const CITY = {
  slug: "port-alder",
  kind: "city",
  ocd_id: CITY_OCD_ID,
  name: { en: "City of Port Alder", es: "Ciudad de Port Alder" },
  time_zone: "America/Los_Angeles",
};

/**
 * The demo election is always upcoming: election day is the first Tuesday at least 60 days after
 * the seed runs, so a demo (or a test run) never finds its question window already closed.
 */
function demoElection(now: Date) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 60));
  day.setUTCDate(day.getUTCDate() + ((2 - day.getUTCDay() + 7) % 7));
  const date = day.toISOString().slice(0, 10);
  const year = day.getUTCFullYear();
  return {
    slug: `general-${year}`,
    name: {
      en: `Harbor County General Election ${year}`,
      es: `Elección General del Condado de Harbor ${year}`,
    },
    election_date: date,
    // Midnight at the start of election day, Pacific time: the windows below count back from it.
    electionDayStart: new Date(`${date}T00:00:00-08:00`),
  };
}

// All districts belong to the county: it runs the consolidated ballot, city contests included.
// Kinds use VIP's DistrictType vocabulary.
const DISTRICTS = {
  county: { kind: "county", ocd_id: COUNTY_OCD_ID, name: COUNTY.name },
  city: { kind: "city", ocd_id: CITY_OCD_ID, name: CITY.name },
  supervisor1: {
    kind: "county-council",
    ocd_id: `${COUNTY_OCD_ID}/council_district:1`,
    name: { en: "Supervisorial District 1", es: "Distrito de Supervisión 1" },
  },
  supervisor2: {
    kind: "county-council",
    ocd_id: `${COUNTY_OCD_ID}/council_district:2`,
    name: { en: "Supervisorial District 2", es: "Distrito de Supervisión 2" },
  },
  school: {
    kind: "school",
    ocd_id: "ocd-division/country:us/state:ca/school_district:harbor_unified",
    name: { en: "Harbor Unified School District", es: "Distrito Escolar Unificado de Harbor" },
  },
} satisfies Record<string, { kind: string; ocd_id: string; name: I18n }>;
type DistrictKey = keyof typeof DISTRICTS;

const PARTIES = {
  dem: {
    abbreviation: "DEM",
    color: "#1a5fb4",
    name: { en: "Democratic Party", es: "Partido Demócrata" },
  },
  rep: {
    abbreviation: "REP",
    color: "#c01c28",
    name: { en: "Republican Party", es: "Partido Republicano" },
  },
  grn: { abbreviation: "GRN", color: "#26a269", name: { en: "Green Party", es: "Partido Verde" } },
} satisfies Record<string, { abbreviation: string; color: string; name: I18n }>;
type PartyKey = keyof typeof PARTIES;

/**
 * Question subjects by topic: noun phrases that fit every phrasing below ("What is your plan
 * for …", "worried about …"). The Spanish ones start with an article but never follow "a" or
 * "de" in a phrasing, which would need the contractions "al" and "del".
 */
const TOPICS = {
  housing: [
    { en: "the rising cost of rent", es: "el aumento del costo del alquiler" },
    {
      en: "the shortage of homes that working families can afford",
      es: "la falta de viviendas que las familias trabajadoras puedan pagar",
    },
    {
      en: "people living in cars and tents along the waterfront",
      es: "las personas que viven en autos y carpas junto al malecón",
    },
  ],
  transit: [
    {
      en: "the bus routes that were cut last year",
      es: "las rutas de autobús que se recortaron el año pasado",
    },
    {
      en: "rush-hour traffic on Harbor Boulevard",
      es: "el tráfico en Harbor Boulevard en las horas pico",
    },
    {
      en: "the lack of safe bike lanes and sidewalks near schools",
      es: "la falta de carriles para bicicletas y aceras seguras cerca de las escuelas",
    },
  ],
  publicSafety: [
    {
      en: "slow response times to 911 calls in rural areas",
      es: "los lentos tiempos de respuesta a las llamadas al 911 en las zonas rurales",
    },
    { en: "car break-ins downtown", es: "los robos a autos en el centro" },
    {
      en: "mental health crises that end up handled by patrol officers",
      es: "las crisis de salud mental que terminan atendidas por agentes de patrulla",
    },
  ],
  budget: [
    { en: "the projected budget deficit", es: "el déficit presupuestario proyectado" },
    { en: "rising pension costs", es: "el aumento de los costos de pensiones" },
    {
      en: "the lack of transparency in how tax dollars are spent",
      es: "la falta de transparencia en el uso de los impuestos",
    },
  ],
  schools: [
    {
      en: "the teacher shortage in our classrooms",
      es: "la escasez de maestros en nuestras aulas",
    },
    {
      en: "falling reading and math scores since the pandemic",
      es: "la caída en los resultados de lectura y matemáticas desde la pandemia",
    },
    {
      en: "aging school buildings that need repairs",
      es: "los edificios escolares antiguos que necesitan reparaciones",
    },
    { en: "safety and security on school campuses", es: "la seguridad en los planteles escolares" },
    {
      en: "support for students who are still learning English",
      es: "el apoyo para los estudiantes que todavía están aprendiendo inglés",
    },
  ],
  water: [
    { en: "the safety of our drinking water", es: "la seguridad de nuestra agua potable" },
    { en: "water rates that keep going up", es: "las tarifas de agua que siguen subiendo" },
    {
      en: "the water supply during the next drought",
      es: "el suministro de agua durante la próxima sequía",
    },
  ],
  wildfire: [
    {
      en: "wildfire evacuation routes in the hills",
      es: "las rutas de evacuación por incendios en las colinas",
    },
    {
      en: "overgrown brush and dead trees near homes",
      es: "la maleza crecida y los árboles secos cerca de las casas",
    },
    {
      en: "homeowners losing their fire insurance",
      es: "los propietarios que están perdiendo su seguro contra incendios",
    },
  ],
  jobs: [
    {
      en: "the loss of good-paying jobs at the port",
      es: "la pérdida de empleos bien pagados en el puerto",
    },
    {
      en: "small businesses struggling downtown",
      es: "los pequeños negocios que tienen dificultades en el centro",
    },
    {
      en: "young people leaving the county to find work",
      es: "los jóvenes que se van del condado para buscar trabajo",
    },
  ],
  parks: [
    {
      en: "the condition of our parks and playgrounds",
      es: "el estado de nuestros parques y áreas de juego",
    },
    {
      en: "shrinking public access to the shoreline",
      es: "la reducción del acceso público a la costa",
    },
    {
      en: "the lack of youth sports fields and after-school programs",
      es: "la falta de canchas deportivas juveniles y de programas extracurriculares",
    },
  ],
} satisfies Record<string, I18n[]>;
type TopicKey = keyof typeof TOPICS;

/**
 * Question phrasings: {subject} from TOPICS, {seat} from the contest, {persona} from PERSONAS.
 * Kept short on purpose: the hashing embedding compares wording, so long shared boilerplate would
 * make questions on unrelated subjects look like duplicates of one another.
 */
const PHRASINGS: I18n[] = [
  { en: "What is your plan for {subject}?", es: "¿Cuál es su propuesta sobre {subject}?" },
  {
    en: "What would you do {seat} about {subject} in your first year?",
    es: "¿Qué medidas tomaría usted {seat} ante {subject} durante su primer año?",
  },
  {
    en: "How would you pay for your proposals on {subject}?",
    es: "¿Cómo financiaría usted sus propuestas sobre {subject}?",
  },
  { en: "Where do you stand on {subject}?", es: "¿Cuál es su postura sobre {subject}?" },
  {
    en: "My neighbors keep bringing up {subject}. What would you change?",
    es: "Mis vecinos hablan mucho sobre {subject}. ¿Qué cambiaría usted?",
  },
  {
    en: "How would voters know whether your approach to {subject} is working?",
    es: "¿Cómo sabremos los votantes si su enfoque sobre {subject} está funcionando?",
  },
  {
    en: "How exactly would you handle {subject}?",
    es: "¿Cómo manejaría usted exactamente {subject}?",
  },
  {
    en: "Who would you work with on {subject}, and how would residents have a say?",
    es: "¿Con quién trabajaría en {subject} y cómo participarían los residentes?",
  },
  {
    en: "As a {persona}, I want to know how you would approach {subject}.",
    es: "Como {persona}, quiero saber cómo abordaría usted {subject}.",
  },
];

const PERSONAS: I18n[] = [
  { en: "renter in Port Alder", es: "inquilina en Port Alder" },
  { en: "small business owner", es: "dueño de un pequeño negocio" },
  { en: "parent of two young kids", es: "madre de dos niños pequeños" },
  { en: "retiree on a fixed income", es: "jubilado con ingresos fijos" },
  {
    en: "nurse who commutes across the county",
    es: "enfermera que cruza el condado para ir al trabajo",
  },
  { en: "first-time voter", es: "votante por primera vez" },
];

interface CandidateSeed {
  name: string;
  party?: PartyKey;
  bio: I18n;
  /** Linked to the demo candidate login (`candidates.user_id`). */
  demoAccount?: true;
}

interface MeasureSeed {
  summary: I18n;
  fullText: I18n;
  pro: I18n;
  con: I18n;
  passageThreshold: I18n;
}

interface ContestBase {
  slug: string;
  district: DistrictKey;
  title: I18n;
  description: I18n;
}

interface CandidateContestSeed extends ContestBase {
  kind: "candidate";
  office: I18n;
  votesAllowed: number;
  /** How a question refers to holding this office: "What would you do {seat} about …". */
  seat: I18n;
  topics: TopicKey[];
  questionCount: number;
  candidates: CandidateSeed[];
}

interface MeasureContestSeed extends ContestBase {
  kind: "measure";
  measure: MeasureSeed;
  /** Hand-written: measure questions are too specific for the templates. */
  questions: Record<Language, string[]>;
}

type ContestSeed = CandidateContestSeed | MeasureContestSeed;

const TWO_THIRDS: I18n = {
  en: "Two-thirds (66⅔%) of the votes cast",
  es: "Dos tercios (66⅔ %) de los votos emitidos",
};

const NONPARTISAN_NOTE: I18n = {
  en: "The office is nonpartisan; party preference is shown as stated by each candidate.",
  es: "El cargo no es partidista; la preferencia de partido se muestra tal como la declaró cada candidato.",
};

/** In ballot order. */
const CONTESTS: ContestSeed[] = [
  {
    kind: "candidate",
    slug: "supervisor-district-1",
    district: "supervisor1",
    title: { en: "County Supervisor, District 1", es: "Supervisor del Condado, Distrito 1" },
    office: {
      en: "Member, Harbor County Board of Supervisors, District 1",
      es: "Miembro de la Junta de Supervisores del Condado de Harbor, Distrito 1",
    },
    description: {
      en: `Supervisors adopt the county budget and oversee land use, roads, water and fire protection. District 1 covers Alder Valley and the northern hills. ${NONPARTISAN_NOTE.en}`,
      es: `Los supervisores aprueban el presupuesto del condado y supervisan el uso del suelo, las carreteras, el agua y la protección contra incendios. El Distrito 1 abarca Alder Valley y las colinas del norte. ${NONPARTISAN_NOTE.es}`,
    },
    votesAllowed: 1,
    seat: { en: "on the Board of Supervisors", es: "en la Junta de Supervisores" },
    topics: ["wildfire", "water", "housing", "budget", "jobs"],
    questionCount: 42,
    candidates: [
      {
        name: "Elena Márquez",
        party: "dem",
        bio: {
          en: "Elena Márquez has chaired the Harbor County Planning Commission for six years and runs a family-owned plant nursery in Alder Valley.",
          es: "Elena Márquez ha presidido la Comisión de Planificación del Condado de Harbor durante seis años y dirige un vivero familiar en Alder Valley.",
        },
      },
      {
        name: "Thomas Whitfield",
        party: "rep",
        bio: {
          en: "Thomas Whitfield is a retired fire battalion chief who has lived in the district for thirty years. He wants wildfire prevention at the top of the county's agenda.",
          es: "Thomas Whitfield es un jefe de batallón de bomberos jubilado que ha vivido en el distrito durante treinta años. Quiere que la prevención de incendios sea la prioridad del condado.",
        },
      },
      {
        name: "Grace Okafor",
        bio: {
          en: "Grace Okafor is a public health nurse and a member of the Harbor County Water Advisory Board.",
          es: "Grace Okafor es enfermera de salud pública y miembro del Consejo Asesor del Agua del Condado de Harbor.",
        },
      },
    ],
  },
  {
    kind: "candidate",
    slug: "supervisor-district-2",
    district: "supervisor2",
    title: { en: "County Supervisor, District 2", es: "Supervisor del Condado, Distrito 2" },
    office: {
      en: "Member, Harbor County Board of Supervisors, District 2",
      es: "Miembro de la Junta de Supervisores del Condado de Harbor, Distrito 2",
    },
    description: {
      en: `Supervisors adopt the county budget and oversee land use, roads, water and fire protection. District 2 covers the Port Alder waterfront and the southern coast. ${NONPARTISAN_NOTE.en}`,
      es: `Los supervisores aprueban el presupuesto del condado y supervisan el uso del suelo, las carreteras, el agua y la protección contra incendios. El Distrito 2 abarca el malecón de Port Alder y la costa sur. ${NONPARTISAN_NOTE.es}`,
    },
    votesAllowed: 1,
    seat: { en: "on the Board of Supervisors", es: "en la Junta de Supervisores" },
    topics: ["water", "jobs", "housing", "budget", "parks", "transit"],
    questionCount: 42,
    candidates: [
      {
        name: "Daniel Cho",
        party: "dem",
        bio: {
          en: "Daniel Cho owns two restaurants on the Port Alder waterfront and serves on the Harbor County Workforce Board.",
          es: "Daniel Cho es dueño de dos restaurantes en el malecón de Port Alder y forma parte de la Junta Laboral del Condado de Harbor.",
        },
      },
      {
        name: "Rosa Delgado-Hayes",
        party: "grn",
        bio: {
          en: "Rosa Delgado-Hayes is an environmental scientist who led the campaign to restore the Alder Creek wetlands.",
          es: "Rosa Delgado-Hayes es científica ambiental y encabezó la campaña para restaurar los humedales de Alder Creek.",
        },
      },
      {
        name: "Martin Albers",
        party: "rep",
        bio: {
          en: "Martin Albers is a certified public accountant and former county budget analyst. He has pledged to publish every county contract online.",
          es: "Martin Albers es contador público certificado y exanalista de presupuesto del condado. Se ha comprometido a publicar en línea todos los contratos del condado.",
        },
      },
    ],
  },
  {
    kind: "candidate",
    slug: "sheriff",
    district: "county",
    title: { en: "Sheriff-Coroner", es: "Sheriff-Médico Forense" },
    office: {
      en: "Harbor County Sheriff-Coroner",
      es: "Sheriff-Médico Forense del Condado de Harbor",
    },
    description: {
      en: "The Sheriff-Coroner runs the county jail, patrols unincorporated areas, and leads search and rescue and evacuations during wildfires.",
      es: "El Sheriff-Médico Forense administra la cárcel del condado, patrulla las zonas no incorporadas y dirige las búsquedas, los rescates y las evacuaciones durante los incendios forestales.",
    },
    votesAllowed: 1,
    seat: { en: "as sheriff", es: "al frente de la oficina del sheriff" },
    topics: ["publicSafety", "wildfire", "budget"],
    questionCount: 38,
    candidates: [
      {
        name: "Patrick Nolan",
        bio: {
          en: "Patrick Nolan has served as Harbor County Sheriff since 2023 and has 26 years in law enforcement.",
          es: "Patrick Nolan es Sheriff del Condado de Harbor desde 2023 y tiene 26 años de experiencia policial.",
        },
      },
      {
        name: "Angela Reyes",
        bio: {
          en: "Angela Reyes is a sheriff's lieutenant who commands the county's search-and-rescue and crisis response teams.",
          es: "Angela Reyes es teniente de la oficina del sheriff y dirige los equipos de búsqueda y rescate y de respuesta a crisis del condado.",
        },
      },
    ],
  },
  {
    kind: "candidate",
    slug: "mayor-port-alder",
    district: "city",
    title: { en: "Mayor of Port Alder", es: "Alcalde o Alcaldesa de Port Alder" },
    office: {
      en: "Mayor, City of Port Alder",
      es: "Alcalde o Alcaldesa de la Ciudad de Port Alder",
    },
    description: {
      en: "The mayor chairs the City Council, proposes the city budget and represents Port Alder on regional agencies. Four-year term.",
      es: "El alcalde o alcaldesa preside el Concejo Municipal, propone el presupuesto de la ciudad y representa a Port Alder ante las agencias regionales. Mandato de cuatro años.",
    },
    votesAllowed: 1,
    seat: { en: "as mayor", es: "desde la alcaldía" },
    topics: ["housing", "transit", "publicSafety", "jobs", "parks", "budget"],
    questionCount: 60,
    candidates: [
      {
        name: "Priya Raman",
        demoAccount: true,
        bio: {
          en: "Priya Raman is a two-term Port Alder City Council member and a civil engineer who worked on the harbor seawall project.",
          es: "Priya Raman ha sido dos veces concejala de Port Alder y es ingeniera civil; trabajó en el proyecto del rompeolas del puerto.",
        },
      },
      {
        name: "Walter Briggs",
        bio: {
          en: "Walter Briggs is a small-business owner and a former president of the Port Alder Chamber of Commerce.",
          es: "Walter Briggs es dueño de un pequeño negocio y expresidente de la Cámara de Comercio de Port Alder.",
        },
      },
      {
        name: "Luis Navarro",
        bio: {
          en: "Luis Navarro is a high school history teacher and tenants' rights organizer who grew up on Port Alder's Eastside.",
          es: "Luis Navarro es maestro de historia de preparatoria y organizador por los derechos de los inquilinos; creció en el Eastside de Port Alder.",
        },
      },
      {
        name: "Hannah Lindqvist",
        bio: {
          en: "Hannah Lindqvist is a nurse practitioner who runs the free clinic at the Harborview Community Center.",
          es: "Hannah Lindqvist es enfermera especializada y dirige la clínica gratuita del Centro Comunitario Harborview.",
        },
      },
    ],
  },
  {
    kind: "candidate",
    slug: "city-council-at-large",
    district: "city",
    title: {
      en: "Port Alder City Council, At-Large",
      es: "Concejo Municipal de Port Alder, en general",
    },
    office: {
      en: "Member, Port Alder City Council",
      es: "Miembro del Concejo Municipal de Port Alder",
    },
    description: {
      en: "Two at-large seats are up this year: vote for no more than two. The council adopts the city budget and sets policy on housing, streets and parks.",
      es: "Este año se eligen dos escaños generales: vote por no más de dos. El concejo aprueba el presupuesto de la ciudad y define la política de vivienda, calles y parques.",
    },
    votesAllowed: 2,
    seat: { en: "on the City Council", es: "en el Concejo Municipal" },
    topics: ["housing", "transit", "parks", "jobs", "budget", "publicSafety"],
    questionCount: 52,
    candidates: [
      {
        name: "Marcus Bell",
        bio: {
          en: "Marcus Bell is a longshoreman and union steward at the Port of Harbor.",
          es: "Marcus Bell es estibador y delegado sindical en el Puerto de Harbor.",
        },
      },
      {
        name: "Sofía Castellanos",
        bio: {
          en: "Sofía Castellanos is a housing attorney who has represented hundreds of families facing eviction.",
          es: "Sofía Castellanos es abogada de vivienda y ha representado a cientos de familias en riesgo de desalojo.",
        },
      },
      {
        name: "Jordan Pike",
        bio: {
          en: "Jordan Pike is a software developer and cycling advocate who founded Port Alder Safe Streets.",
          es: "Jordan Pike es desarrollador de software y defensor del ciclismo; fundó Port Alder Safe Streets.",
        },
      },
      {
        name: "Mei-Lin Tsai",
        bio: {
          en: "Mei-Lin Tsai is a pharmacist and chairs the city's Parks and Recreation Commission.",
          es: "Mei-Lin Tsai es farmacéutica y preside la Comisión de Parques y Recreación de la ciudad.",
        },
      },
      {
        name: "Omar Haddad",
        bio: {
          en: "Omar Haddad owns a hardware store on Front Street and has coached youth soccer for a decade.",
          es: "Omar Haddad es dueño de una ferretería en Front Street y ha entrenado fútbol juvenil durante una década.",
        },
      },
    ],
  },
  {
    kind: "candidate",
    slug: "school-board",
    district: "school",
    title: {
      en: "Harbor Unified School District Governing Board",
      es: "Junta Directiva del Distrito Escolar Unificado de Harbor",
    },
    office: { en: "Governing Board Member", es: "Miembro de la Junta Directiva" },
    description: {
      en: "Vote for no more than two. The board hires the superintendent, approves the district budget and sets policy for 14 schools and about 9,800 students.",
      es: "Vote por no más de dos. La junta contrata al superintendente, aprueba el presupuesto del distrito y define la política de 14 escuelas y unos 9,800 estudiantes.",
    },
    votesAllowed: 2,
    seat: { en: "on the school board", es: "en la junta escolar" },
    topics: ["schools", "budget", "parks"],
    questionCount: 44,
    candidates: [
      {
        name: "Karen Yazzie",
        bio: {
          en: "Karen Yazzie is a retired elementary school principal with 32 years in Harbor Unified.",
          es: "Karen Yazzie es directora de primaria jubilada con 32 años en el Distrito Unificado de Harbor.",
        },
      },
      {
        name: "Benjamin Ortiz",
        bio: {
          en: "Benjamin Ortiz is the parent of three Harbor Unified students and sits on the district's budget advisory committee.",
          es: "Benjamin Ortiz es padre de tres estudiantes del Distrito Unificado de Harbor y forma parte del comité asesor de presupuesto del distrito.",
        },
      },
      {
        name: "Alicia Fontaine",
        bio: {
          en: "Alicia Fontaine is a special education advocate and the current president of the board.",
          es: "Alicia Fontaine es defensora de la educación especial y actual presidenta de la junta.",
        },
      },
      {
        name: "Samuel Greene",
        bio: {
          en: "Samuel Greene is a construction project manager who wants to speed up repairs to aging school buildings.",
          es: "Samuel Greene es gerente de proyectos de construcción y quiere acelerar las reparaciones de los edificios escolares antiguos.",
        },
      },
    ],
  },
  {
    kind: "measure",
    slug: "measure-a",
    district: "county",
    title: {
      en: "Measure A: Wildfire Prevention and Emergency Response Sales Tax",
      es: "Medida A: Impuesto sobre las ventas para la prevención de incendios forestales y la respuesta a emergencias",
    },
    description: {
      en: "County-wide. A one-quarter cent sales tax for twelve years. Requires two-thirds approval.",
      es: "En todo el condado. Un impuesto sobre las ventas de un cuarto de centavo durante doce años. Requiere la aprobación de dos tercios.",
    },
    measure: {
      summary: {
        en: "To reduce wildfire risk and speed emergency response, shall Harbor County levy a one-quarter cent (0.25%) sales tax for twelve years, providing approximately $18 million a year for brush and dead-tree removal, wider evacuation routes, year-round firefighter staffing and outdoor warning sirens, with annual independent audits, a citizens' oversight committee, and all funds staying in Harbor County?",
        es: "Para reducir el riesgo de incendios forestales y acelerar la respuesta a emergencias, ¿deberá el Condado de Harbor establecer un impuesto sobre las ventas de un cuarto de centavo (0.25 %) durante doce años, que recaudaría aproximadamente $18 millones al año para retirar maleza y árboles secos, ampliar las rutas de evacuación, mantener bomberos durante todo el año e instalar sirenas de alerta, con auditorías independientes anuales, un comité ciudadano de supervisión y todos los fondos destinados al Condado de Harbor?",
      },
      fullText: {
        en: [
          "Section 1. Title. This ordinance shall be known as the Harbor County Wildfire Prevention and Emergency Response Act.",
          "Section 2. Tax. A transactions and use tax is imposed at the rate of one-quarter of one percent (0.25%) on all retailers in the incorporated and unincorporated territory of Harbor County.",
          "Section 3. Use of proceeds. Proceeds shall be deposited in a special fund and spent only on vegetation management and defensible-space assistance (at least 40 percent), evacuation route improvements (at least 25 percent), fire and emergency staffing, and public warning systems. No more than 2 percent may be spent on administration.",
          "Section 4. Accountability. The Board of Supervisors shall appoint a seven-member citizens' oversight committee. An independent auditor shall review the fund every year, and the report shall be published in English and Spanish.",
          "Section 5. Term. The tax shall take effect on July 1, 2027, and shall expire on June 30, 2039.",
        ].join("\n\n"),
        es: [
          "Sección 1. Título. Esta ordenanza se denominará Ley de Prevención de Incendios Forestales y Respuesta a Emergencias del Condado de Harbor.",
          "Sección 2. Impuesto. Se establece un impuesto sobre transacciones y uso a una tasa de un cuarto del uno por ciento (0.25 %) a todos los comerciantes del territorio incorporado y no incorporado del Condado de Harbor.",
          "Sección 3. Uso de los fondos. Los fondos se depositarán en un fondo especial y solo se gastarán en el manejo de la vegetación y la ayuda para crear espacios defendibles (al menos el 40 por ciento), en mejoras de las rutas de evacuación (al menos el 25 por ciento), en personal de bomberos y de emergencias, y en sistemas de alerta pública. No se podrá gastar más del 2 por ciento en administración.",
          "Sección 4. Rendición de cuentas. La Junta de Supervisores nombrará un comité ciudadano de supervisión de siete miembros. Un auditor independiente revisará el fondo cada año y el informe se publicará en inglés y en español.",
          "Sección 5. Vigencia. El impuesto entrará en vigor el 1 de julio de 2027 y vencerá el 30 de junio de 2039.",
        ].join("\n\n"),
      },
      pro: {
        en: "Every summer, families in the Harbor County hills keep a packed bag by the door. Measure A gives firefighters the crews and equipment to stop small fires before they become disasters, clears the dry brush that feeds them, and widens the narrow roads that turned the last Ridgeline Fire evacuation into a traffic jam. Visitors who shop here pay part of the cost, every dollar stays in Harbor County, and an independent audit is published every year. Vote Yes on A to protect our homes and our neighbors.",
        es: "Cada verano, las familias de las colinas del Condado de Harbor tienen una maleta lista junto a la puerta. La Medida A da a los bomberos el personal y el equipo para detener los incendios pequeños antes de que se conviertan en desastres, retira la maleza seca que los alimenta y amplía los caminos estrechos que convirtieron la última evacuación del incendio de Ridgeline en un embotellamiento. Los visitantes que compran aquí pagan parte del costo, cada dólar se queda en el Condado de Harbor y cada año se publica una auditoría independiente. Vote Sí a la Medida A para proteger nuestros hogares y a nuestros vecinos.",
      },
      con: {
        en: "No one disputes that wildfire is a serious threat, but Measure A is the wrong way to pay for it. Sales taxes take a bigger share of income from working families and seniors than from the wealthy, and our sales tax rate is already among the highest in the region. The county has not explained why existing fire funds and state grants are not enough, and twelve years is a long time to lock in a new tax. Send the Board of Supervisors back to write a plan that cuts waste first. Vote No on A.",
        es: "Nadie niega que los incendios forestales sean una amenaza grave, pero la Medida A es la manera equivocada de pagar por ellos. Los impuestos sobre las ventas se llevan una mayor parte de los ingresos de las familias trabajadoras y de las personas mayores que de los ricos, y nuestra tasa ya está entre las más altas de la región. El condado no ha explicado por qué los fondos actuales para incendios y las subvenciones estatales no bastan, y doce años es mucho tiempo para fijar un impuesto nuevo. Pidamos a la Junta de Supervisores un plan que primero recorte el despilfarro. Vote No a la Medida A.",
      },
      passageThreshold: TWO_THIRDS,
    },
    questions: {
      en: [
        "How much would Measure A cost a family that spends about $30,000 a year on taxable purchases?",
        "Who sits on the citizens' oversight committee for Measure A, and how are its members chosen?",
        "Can Measure A money be moved into the county general fund if the budget gets tight?",
        "What share of Measure A revenue goes to brush clearance versus firefighter salaries?",
        "Why a sales tax instead of a parcel tax on property owners in high-risk areas?",
        "Will the new evacuation routes in Measure A include the Ridgeline Road neighborhoods?",
        "What happens to the wildfire programs in Measure A when the tax expires after twelve years?",
        "How will the county report what was actually accomplished with Measure A each year?",
        "Does Measure A help renters and mobile home parks, or mostly single-family homeowners?",
        "Would Measure A pay for warning sirens in areas with poor cell phone coverage?",
      ],
      es: [
        "¿Se publicarán en español los informes de auditoría de la Medida A?",
        "¿La Medida A incluye planes de evacuación para personas mayores y personas con discapacidad?",
        "¿Quién decide qué vecindarios reciben primero la limpieza de maleza con la Medida A?",
      ],
    },
  },
  {
    kind: "measure",
    slug: "measure-b",
    district: "city",
    title: {
      en: "Measure B: Port Alder Affordable Housing Bond",
      es: "Medida B: Bono de vivienda asequible de Port Alder",
    },
    description: {
      en: "City of Port Alder only. A $45 million general obligation bond. Requires two-thirds approval.",
      es: "Solo en la Ciudad de Port Alder. Un bono de obligación general de $45 millones. Requiere la aprobación de dos tercios.",
    },
    measure: {
      summary: {
        en: "To build and preserve affordable homes for Port Alder seniors, veterans, teachers and working families, shall the City of Port Alder issue $45,000,000 in general obligation bonds, levying an estimated $19 per $100,000 of assessed value (about $2.6 million a year) for approximately 30 years while bonds are outstanding, with a citizens' oversight committee, annual audits, and no money for administrators' salaries?",
        es: "Para construir y conservar viviendas asequibles para personas mayores, veteranos, maestros y familias trabajadoras de Port Alder, ¿deberá la Ciudad de Port Alder emitir $45,000,000 en bonos de obligación general, con un impuesto estimado de $19 por cada $100,000 de valor tasado (unos $2.6 millones al año) durante aproximadamente 30 años mientras los bonos estén pendientes, con un comité ciudadano de supervisión, auditorías anuales y sin fondos para sueldos de administradores?",
      },
      fullText: {
        en: [
          "Section 1. Purpose. The City of Port Alder faces a severe shortage of homes that the people who work here can afford. This measure authorizes bonds to build and preserve homes for households earning up to 80 percent of the area median income.",
          "Section 2. Bond authorization. The City may issue general obligation bonds in a principal amount not to exceed $45,000,000. Proceeds may be used to acquire land, to build new rental housing, to buy and rehabilitate existing apartment buildings, and to provide down-payment assistance to first-time buyers.",
          "Section 3. Tax levy. An ad valorem tax shall be levied on taxable property in the City to repay the bonds, estimated at $19 per $100,000 of assessed value. The tax shall end when the bonds are repaid.",
          "Section 4. Accountability. Proceeds shall be kept in a separate account. A five-member citizens' oversight committee shall review spending and report to the City Council every year. No proceeds shall be used for the salaries of City administrators.",
        ].join("\n\n"),
        es: [
          "Sección 1. Propósito. La Ciudad de Port Alder enfrenta una grave escasez de viviendas que puedan pagar las personas que trabajan aquí. Esta medida autoriza bonos para construir y conservar viviendas para hogares con ingresos de hasta el 80 por ciento del ingreso medio de la zona.",
          "Sección 2. Autorización de bonos. La Ciudad podrá emitir bonos de obligación general por un monto principal que no exceda $45,000,000. Los fondos podrán usarse para adquirir terrenos, construir nuevas viviendas de alquiler, comprar y rehabilitar edificios de apartamentos existentes y ofrecer ayuda para el pago inicial a quienes compran su primera vivienda.",
          "Sección 3. Impuesto. Se cobrará un impuesto ad valorem sobre la propiedad gravable de la Ciudad para pagar los bonos, estimado en $19 por cada $100,000 de valor tasado. El impuesto terminará cuando se paguen los bonos.",
          "Sección 4. Rendición de cuentas. Los fondos se mantendrán en una cuenta separada. Un comité ciudadano de supervisión de cinco miembros revisará el gasto e informará al Concejo Municipal cada año. Ningún fondo se usará para pagar sueldos de administradores de la Ciudad.",
        ].join("\n\n"),
      },
      pro: {
        en: "Port Alder's teachers, nurses and port workers can no longer afford to live in the city they serve. Measure B will build or preserve an estimated 350 affordable homes and lets the city unlock state and federal housing money it currently leaves on the table. It costs the owner of a typical home about $95 a year, a citizens' committee reviews every expense, and not one cent can go to administrators' salaries. Vote Yes on B so the next generation can afford to stay in Port Alder.",
        es: "Los maestros, enfermeras y trabajadores del puerto de Port Alder ya no pueden pagar para vivir en la ciudad a la que sirven. La Medida B construirá o conservará unas 350 viviendas asequibles y permitirá a la ciudad aprovechar fondos estatales y federales de vivienda que hoy deja pasar. Al dueño de una casa típica le cuesta unos $95 al año, un comité ciudadano revisa cada gasto y ni un centavo puede destinarse a sueldos de administradores. Vote Sí a la Medida B para que la próxima generación pueda quedarse en Port Alder.",
      },
      con: {
        en: "Measure B asks homeowners to take on thirty years of debt with no guarantee of where the homes will be built or who will get them. Construction costs have climbed so fast that $45 million will buy far fewer homes than promised, and interest will nearly double what taxpayers repay. Renters will feel the tax too, as landlords pass it on. The City should first remove the zoning rules and permit fees that make housing so expensive to build. Vote No on B.",
        es: "La Medida B pide a los propietarios asumir treinta años de deuda sin ninguna garantía de dónde se construirán las viviendas ni de quién las recibirá. Los costos de construcción han subido tanto que $45 millones alcanzarán para muchas menos viviendas de las prometidas, y los intereses casi duplicarán lo que pagarán los contribuyentes. Los inquilinos también sentirán el impuesto, porque los propietarios se lo trasladarán. La Ciudad debería eliminar primero las reglas de zonificación y las tarifas de permisos que encarecen la construcción de viviendas. Vote No a la Medida B.",
      },
      passageThreshold: TWO_THIRDS,
    },
    questions: {
      en: [
        "How many affordable homes will the $45 million from Measure B actually build?",
        "Who will qualify to live in housing paid for by Measure B, and how will the waitlist work?",
        "How much will Measure B add to the property tax bill on a home assessed at $500,000?",
        "Can landlords pass the Measure B tax on to their tenants?",
        "Will Measure B housing be built near bus lines and grocery stores, or on the edge of town?",
        "What stops Measure B money from being spent on consultants instead of construction?",
        "Does Measure B set aside any homes for teachers and school staff?",
        "How long will it take before the first homes funded by Measure B are ready?",
        "Why does a $45 million bond under Measure B need thirty years of payments?",
      ],
      es: [
        "¿Podrán las familias que hoy rentan en el Eastside solicitar las viviendas de la Medida B?",
        "¿Cuánto aumentará el impuesto predial de una casa promedio con la Medida B?",
        "¿Habrá viviendas de la Medida B para trabajadores agrícolas y del puerto?",
      ],
    },
  },
];

/**
 * Deliberate near-duplicates for the duplicate-detection and merge features, worded the way
 * people re-ask a question (the hashing embedding scores each pair above 0.79). The first of each
 * group is published, the last waits in the moderation queue, any in between are published.
 */
const NEAR_DUPLICATES: Array<{ contest: string; language: Language; bodies: string[] }> = [
  {
    contest: "mayor-port-alder",
    language: "en",
    bodies: [
      "What will you do about the homeless encampment on the waterfront near Pier 7?",
      "What is your plan for the homeless encampment on the waterfront near Pier 7?",
      "What will you do about the homeless encampment near Pier 7 on the waterfront?",
    ],
  },
  {
    contest: "sheriff",
    language: "en",
    bodies: [
      "Will you require every sheriff's deputy to wear a body camera?",
      "Will you make every sheriff's deputy wear a body camera?",
    ],
  },
  {
    contest: "school-board",
    language: "en",
    bodies: [
      "Will you keep the school libraries open during the summer break?",
      "Would you keep school libraries open over the summer break?",
    ],
  },
  {
    contest: "measure-a",
    language: "en",
    bodies: [
      "How much will Measure A cost the average household each year?",
      "How much would Measure A cost an average household per year?",
    ],
  },
  {
    contest: "city-council-at-large",
    language: "es",
    bodies: [
      "¿Qué hará usted para bajar el costo del alquiler en Port Alder?",
      "¿Qué haría usted para bajar el costo del alquiler en Port Alder?",
    ],
  },
];

/** What a moderator turns away: an insult, spam, and a request for personal information. */
const REJECTED: Array<{ contest: string; body: string }> = [
  {
    contest: "mayor-port-alder",
    body: "Why should anyone believe a word you say? You are all liars and crooks, every one of you.",
  },
  {
    contest: "city-council-at-large",
    body: "Get solar panels installed this week at half price! Visit solar-deals-now.example today.",
  },
  {
    contest: "sheriff",
    body: "What is the home address of the deputy who gave me a ticket on Route 9 last Tuesday?",
  },
];

const FIRST_NAMES = (
  "Maya James Lucía Wei Aisha Robert Carmen Noah Fatima Ethan " +
  "Guadalupe Linh Samuel Olivia Javier Ruth Kwame Isabel Tyler Ana"
).split(" ");
const LAST_INITIALS = [..."ABCDFGHJKLMNOPRSTVWY"];

const EXTRA_VOTERS = 60;
/** Every fifth extra voter prefers Spanish; Spanish questions are written by them. */
const SPANISH_VOTER_EVERY = 5;
const SPANISH_SHARE = 0.15;
const PENDING_SHARE = 0.02;
const ADDRESSED_TO_CANDIDATE_SHARE = 0.2;
/** The demo voter writes a few questions of their own (and casts no votes, to try it). */
const DEMO_VOTER_AUTHOR_SHARE = 0.03;
const MAX_VOTES = 60;
const INSERT_CHUNK = 1000;
const PRNG_SEED = 20261126;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Demo logins
// ---------------------------------------------------------------------------------------------

const DemoAccounts = z.array(
  z.object({
    role: z.enum(["admin", "clerk", "moderator", "candidate", "voter"]),
    email: z.email().refine((email) => email === email.toLowerCase(), "must be lowercase"),
    // NIST SP 800-63B: at least 15 characters for a password that is the only factor.
    password: z.string().min(15),
    // 20 bytes in base32, as authenticator apps expect.
    totpSecret: z
      .string()
      .regex(/^[A-Z2-7]{32}$/)
      .optional(),
  }),
);
type DemoAccount = z.infer<typeof DemoAccounts>[number];

function demoAccounts(): DemoAccount[] {
  return DemoAccounts.parse(accountsJson);
}

function loginLines(accounts: DemoAccount[]): string {
  const passwordWidth = Math.max(...accounts.map((account) => account.password.length)) + 2;
  const lines = accounts.map((account) =>
    [
      " ",
      account.role.padEnd(10),
      account.email.padEnd(27),
      `"${account.password}"`.padEnd(passwordWidth),
      account.totpSecret ?? "",
    ]
      .join(" ")
      .trimEnd(),
  );
  return [
    "Demo logins (role, email, password, TOTP secret for an authenticator app):",
    ...lines,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

export async function seedDemo(db: Db): Promise<string> {
  const accounts = demoAccounts();
  if (await db("jurisdictions").where({ slug: COUNTY.slug }).first()) {
    const notice = `Demo data is already loaded (${COUNTY.slug} exists); nothing changed.`;
    return `${notice}\n${loginLines(accounts)}`;
  }
  const now = new Date();
  const election = demoElection(now);
  // Hashed before the transaction opens, so it is not held open for the second bcrypt takes.
  const passwordHashes = await Promise.all(
    accounts.map((account) => hashPassword(account.password)),
  );
  const rng = mulberry32(PRNG_SEED);
  const counts = await db.transaction((trx) =>
    insertDemo(trx, rng, now, election, accounts, passwordHashes),
  );
  return [
    `Loaded the demo election "${election.name.en}" (${COUNTY.slug}/${election.slug}):`,
    `  ${CONTESTS.length} contests, ${counts.candidates} candidates, ${counts.measures} ballot measures, ${counts.users} users`,
    `  ${counts.questions} questions (${counts.published} published, ${counts.pending} pending, ${counts.rejected} rejected), ${counts.votes} votes`,
    loginLines(accounts),
  ].join("\n");
}

async function insertDemo(
  trx: Trx,
  rng: Rng,
  now: Date,
  election: DemoElection,
  accounts: DemoAccount[],
  passwordHashes: string[],
) {
  const [county] = await trx("jurisdictions").insert(COUNTY).returning("id");
  await trx("jurisdictions").insert({ ...CITY, parent_id: county.id });
  const countyId: string = county.id;

  const electionId = await insertElection(trx, countyId, now, election);
  const districtIds = await insertKeyed(trx, "electoral_districts", countyId, DISTRICTS);
  await insertPrecincts(trx, countyId, districtIds);
  const partyIds = await insertKeyed(trx, "parties", countyId, PARTIES);
  const users = await insertUsers(trx, rng, now, countyId, accounts, passwordHashes);
  const contests = await insertContests(trx, electionId, districtIds, partyIds, users.demo);

  const questions = placeQuestions(rng, now, draftQuestions(rng, contests), users);
  await insertInChunks(
    trx,
    "questions",
    questions.map((question) => ({
      ...question,
      election_id: electionId,
      embedding: pgvector.toSql(hashingEmbedding(question.body)),
    })),
  );
  const votes = castVotes(rng, now, questions, users.extraVoters);
  // questions.vote_count follows from these rows through the question_votes trigger.
  await insertInChunks(trx, "question_votes", votes);
  await insertAnswers(trx, rng, now, contests);

  const countStatus = (status: QuestionStatus) =>
    questions.filter((question) => question.status === status).length;
  return {
    candidates: contests.reduce((sum, contest) => sum + contest.candidateIds.length, 0),
    measures: contests.filter((contest) => contest.seed.kind === "measure").length,
    users: accounts.length + users.extraVoters.length,
    questions: questions.length,
    published: countStatus("published"),
    pending: countStatus("pending"),
    rejected: countStatus("rejected"),
    votes: votes.length,
  };
}

type DemoElection = ReturnType<typeof demoElection>;

async function insertElection(
  trx: Trx,
  countyId: string,
  now: Date,
  election: DemoElection,
): Promise<string> {
  const weekAgo = new Date(now.getTime() - 7 * DAY);
  const [row] = await trx("elections")
    .insert({
      jurisdiction_id: countyId,
      slug: election.slug,
      name: election.name,
      election_date: election.election_date,
      status: "questions_open",
      questions_open_at: weekAgo,
      // a week before election day: candidates keep that week to answer the last questions
      questions_close_at: new Date(election.electionDayStart.getTime() - 7 * DAY),
      answers_open_at: weekAgo,
      answers_close_at: election.electionDayStart,
      moderation_mode: "before_publishing",
    })
    .returning("id");
  return row.id;
}

/** Inserts a keyed table of rows for the county; returns their ids under the same keys. */
async function insertKeyed<K extends string>(
  trx: Trx,
  table: string,
  countyId: string,
  rows: Record<K, object>,
): Promise<Record<K, string>> {
  const ids = {} as Record<K, string>;
  for (const [key, row] of Object.entries(rows) as Array<[K, object]>) {
    const [inserted] = await trx(table)
      .insert({ ...row, jurisdiction_id: countyId })
      .returning("id");
    ids[key] = inserted.id;
  }
  return ids;
}

interface Voter {
  id: string;
  locale: Language;
}

interface SeededUsers {
  /** Ids of the demo logins, by role. */
  demo: Partial<Record<DemoAccount["role"], string>>;
  extraVoters: Voter[];
}

async function insertUsers(
  trx: Trx,
  rng: Rng,
  now: Date,
  countyId: string,
  accounts: DemoAccount[],
  passwordHashes: string[],
): Promise<SeededUsers> {
  const demoRows = accounts.map((account, i) => ({
    id: randomUUID(),
    email: account.email,
    email_verified_at: now,
    password_hash: passwordHashes[i],
    display_name: `Demo ${account.role[0]!.toUpperCase()}${account.role.slice(1)}`,
    totp_secret: account.totpSecret ?? null,
    mfa_enabled_at: account.totpSecret ? now : null,
  }));
  // Nobody signs in as the extra voters (they only populate questions and votes): no password,
  // which also spares 60 bcrypt hashes.
  const voterRows = Array.from({ length: EXTRA_VOTERS }, (_, i) => {
    const number = String(i + 1).padStart(2, "0");
    return {
      id: randomUUID(),
      email: `voter${number}@demo.civicq.test`,
      email_verified_at: now,
      display_name: `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_INITIALS)}.`,
      locale: (i + 1) % SPANISH_VOTER_EVERY === 0 ? "es" : "en",
    };
  });
  await trx("users").insert([...demoRows, ...voterRows]);
  await trx("role_grants").insert([
    ...accounts.map((account, i) => ({
      user_id: demoRows[i]!.id,
      role: account.role,
      // the demo admin administers every jurisdiction
      jurisdiction_id: account.role === "admin" ? null : countyId,
    })),
    ...voterRows.map((row) => ({ user_id: row.id, role: "voter", jurisdiction_id: countyId })),
  ]);
  return {
    demo: Object.fromEntries(accounts.map((account, i) => [account.role, demoRows[i]!.id])),
    extraVoters: voterRows.map((row) => ({ id: row.id, locale: row.locale as Language })),
  };
}

interface SeededContest {
  seed: ContestSeed;
  id: string;
  candidateIds: string[];
}

async function insertContests(
  trx: Trx,
  electionId: string,
  districtIds: Record<DistrictKey, string>,
  partyIds: Record<PartyKey, string>,
  demoUsers: SeededUsers["demo"],
): Promise<SeededContest[]> {
  const seeded: SeededContest[] = [];
  for (const [index, seed] of CONTESTS.entries()) {
    const [contest] = await trx("contests")
      .insert({
        election_id: electionId,
        electoral_district_id: districtIds[seed.district],
        kind: seed.kind,
        slug: seed.slug,
        title: seed.title,
        office: seed.kind === "candidate" ? seed.office : {},
        description: seed.description,
        ballot_order: index + 1,
        votes_allowed: seed.kind === "candidate" ? seed.votesAllowed : 1,
      })
      .returning("id");
    let candidateIds: string[] = [];
    if (seed.kind === "candidate") {
      candidateIds = await insertCandidates(
        trx,
        contest.id,
        seed.candidates,
        partyIds,
        demoUsers.candidate,
      );
    } else {
      await insertMeasure(trx, contest.id, seed.measure);
    }
    seeded.push({ seed, id: contest.id, candidateIds });
  }
  return seeded;
}

async function insertCandidates(
  trx: Trx,
  contestId: string,
  candidates: CandidateSeed[],
  partyIds: Record<PartyKey, string>,
  demoCandidateUserId: string | undefined,
): Promise<string[]> {
  const rows = candidates.map((candidate, i) => {
    const slug = slugify(candidate.name);
    return {
      contest_id: contestId,
      party_id: candidate.party ? partyIds[candidate.party] : null,
      user_id: candidate.demoAccount ? (demoCandidateUserId ?? null) : null,
      ballot_name: candidate.name,
      slug,
      bio: candidate.bio,
      website: `https://example.org/${slug}`,
      ballot_order: i + 1,
    };
  });
  const inserted: Array<{ id: string }> = await trx("candidates").insert(rows).returning("id");
  return inserted.map((row) => row.id);
}

async function insertMeasure(trx: Trx, contestId: string, measure: MeasureSeed): Promise<void> {
  await trx("ballot_measures").insert({
    contest_id: contestId,
    summary: measure.summary,
    full_text: measure.fullText,
    pro_statement: measure.pro,
    con_statement: measure.con,
    passage_threshold: measure.passageThreshold,
  });
}

// ---------------------------------------------------------------------------------------------
// Precincts and street segments (find your ballot by ZIP or address)
// ---------------------------------------------------------------------------------------------

/**
 * Four precincts with different ballots. ZIP 95401 spans two of them, split down Main Street
 * (odd numbers Downtown, even numbers Eastside); every other ZIP lies in one precinct.
 */
const PRECINCTS = {
  alderValley: { name: "101 Alder Valley", districts: ["county", "supervisor1", "school"] },
  downtown: {
    name: "205 Port Alder Downtown",
    districts: ["county", "city", "supervisor2", "school"],
  },
  eastside: {
    name: "207 Port Alder Eastside",
    districts: ["county", "city", "supervisor1", "school"],
  },
  // outside Harbor Unified: the coast's schools belong to a district not on this ballot
  southCoast: { name: "312 South Coast", districts: ["county", "supervisor2"] },
} satisfies Record<string, { name: string; districts: DistrictKey[] }>;
type PrecinctKey = keyof typeof PRECINCTS;

const PLACES = {
  "95401": "Port Alder",
  "95403": "Port Alder",
  "95410": "Alder Valley",
  "95420": "South Harbor",
} as const;

/** [precinct, ZIP, street as people write it, first and last house number, side]. */
const STREET_SEGMENTS: Array<
  [PrecinctKey, keyof typeof PLACES, string, number, number, "both" | "odd" | "even"]
> = [
  ["downtown", "95401", "Front Street", 1, 399, "both"],
  ["downtown", "95401", "Water Street", 1, 299, "both"],
  ["downtown", "95401", "Bay Street", 1, 499, "both"],
  ["downtown", "95401", "Pier Avenue", 100, 899, "both"],
  ["downtown", "95401", "Harbor Boulevard", 100, 1299, "both"],
  ["downtown", "95401", "Cannery Lane", 1, 199, "both"],
  ["downtown", "95401", "Main Street", 1, 999, "odd"],
  ["eastside", "95401", "Main Street", 2, 998, "even"],
  ["eastside", "95401", "Eastside Avenue", 1, 799, "both"],
  ["eastside", "95401", "Cedar Street", 1, 599, "both"],
  ["eastside", "95401", "Second Street", 1, 699, "both"],
  ["eastside", "95401", "Mission Road", 1, 999, "both"],
  ["eastside", "95401", "Tannery Court", 1, 99, "both"],
  ["eastside", "95403", "Mission Road", 1000, 2499, "both"],
  ["eastside", "95403", "Hillcrest Drive", 1, 1499, "both"],
  ["eastside", "95403", "Madrone Lane", 1, 399, "both"],
  ["eastside", "95403", "Sunset Terrace", 1, 299, "both"],
  ["alderValley", "95410", "Alder Valley Road", 1000, 9999, "both"],
  ["alderValley", "95410", "Ridgeline Road", 1, 4999, "both"],
  ["alderValley", "95410", "Oak Hollow Lane", 1, 799, "both"],
  ["alderValley", "95410", "Nursery Way", 1, 499, "both"],
  ["alderValley", "95410", "Vineyard Drive", 1, 1999, "both"],
  ["alderValley", "95410", "Quail Run Court", 1, 199, "both"],
  ["southCoast", "95420", "Coast Highway", 10000, 19999, "both"],
  ["southCoast", "95420", "Seacliff Drive", 1, 1999, "both"],
  ["southCoast", "95420", "Lighthouse Road", 1, 899, "both"],
  ["southCoast", "95420", "Tidepool Lane", 1, 299, "both"],
  ["southCoast", "95420", "Cypress Point Road", 1, 999, "both"],
];

async function insertPrecincts(
  trx: Trx,
  countyId: string,
  districtIds: Record<DistrictKey, string>,
): Promise<void> {
  const precinctIds = {} as Record<PrecinctKey, string>;
  for (const [key, precinct] of Object.entries(PRECINCTS) as Array<
    [PrecinctKey, (typeof PRECINCTS)[PrecinctKey]]
  >) {
    const [row] = await trx("precincts")
      .insert({
        jurisdiction_id: countyId,
        name: precinct.name,
        ocd_id: `${COUNTY_OCD_ID}/precinct:${precinct.name.split(" ")[0]}`,
      })
      .returning("id");
    precinctIds[key] = row.id;
    await trx("precinct_districts").insert(
      precinct.districts.map((district) => ({
        precinct_id: row.id,
        electoral_district_id: districtIds[district],
      })),
    );
  }
  await trx("street_segments").insert(
    STREET_SEGMENTS.map(([precinct, zip, street, start, end, side]) => ({
      precinct_id: precinctIds[precinct],
      // stored the way the lookup normalises what voters type
      street_name: normalizeStreetName(street),
      start_house_number: start,
      end_house_number: end,
      odd_even: side,
      city: PLACES[zip],
      state: "CA",
      zip,
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Questions and votes
// ---------------------------------------------------------------------------------------------

type QuestionStatus = "published" | "pending" | "rejected";

interface QuestionDraft {
  contestId: string;
  candidateId: string | null;
  language: Language;
  body: string;
  status: QuestionStatus;
}

function draftQuestions(rng: Rng, contests: SeededContest[]): QuestionDraft[] {
  const bySlug = new Map(contests.map((contest) => [contest.seed.slug, contest]));
  const contestId = (slug: string) => {
    const contest = bySlug.get(slug);
    if (!contest) throw new Error(`demo seed: no contest ${slug}`);
    return contest.id;
  };
  const drafts: QuestionDraft[] = contests.flatMap((contest) =>
    contest.seed.kind === "candidate"
      ? templatedQuestions(rng, contest, contest.seed)
      : measureQuestions(rng, contest.id, contest.seed),
  );
  for (const group of NEAR_DUPLICATES) {
    group.bodies.forEach((body, i) =>
      drafts.push({
        contestId: contestId(group.contest),
        candidateId: null,
        language: group.language,
        body,
        status: i === group.bodies.length - 1 ? "pending" : "published",
      }),
    );
  }
  for (const { contest, body } of REJECTED) {
    drafts.push({
      contestId: contestId(contest),
      candidateId: null,
      language: "en",
      body,
      status: "rejected",
    });
  }
  return drafts;
}

/** Distinct (subject, phrasing) pairs of the contest's topics, a random selection of them. */
function templatedQuestions(
  rng: Rng,
  contest: SeededContest,
  seed: CandidateContestSeed,
): QuestionDraft[] {
  const pairs = seed.topics.flatMap((topic) =>
    TOPICS[topic].flatMap((subject) => PHRASINGS.map((phrasing) => ({ subject, phrasing }))),
  );
  return shuffle(rng, pairs)
    .slice(0, seed.questionCount)
    .map(({ subject, phrasing }) => {
      const language: Language = rng() < SPANISH_SHARE ? "es" : "en";
      const body = phrasing[language]
        .replace("{subject}", subject[language])
        .replace("{seat}", seed.seat[language])
        .replace("{persona}", pick(rng, PERSONAS)[language]);
      return {
        contestId: contest.id,
        candidateId: rng() < ADDRESSED_TO_CANDIDATE_SHARE ? pick(rng, contest.candidateIds) : null,
        language,
        body,
        status: randomStatus(rng),
      };
    });
}

function measureQuestions(rng: Rng, contestId: string, seed: MeasureContestSeed): QuestionDraft[] {
  return (["en", "es"] as const).flatMap((language) =>
    seed.questions[language].map((body) => ({
      contestId,
      candidateId: null,
      language,
      body,
      status: randomStatus(rng),
    })),
  );
}

function randomStatus(rng: Rng): QuestionStatus {
  return rng() < PENDING_SHARE ? "pending" : "published";
}

interface QuestionRow {
  id: string;
  contest_id: string;
  candidate_id: string | null;
  author_id: string;
  body: string;
  language: Language;
  status: QuestionStatus;
  created_at: Date;
  published_at: Date | null;
  updated_at: Date;
}

/** Gives each draft an author and a time in the past week, as if asked over the open window. */
function placeQuestions(
  rng: Rng,
  now: Date,
  drafts: QuestionDraft[],
  users: SeededUsers,
): QuestionRow[] {
  const spanishVoters = users.extraVoters.filter((voter) => voter.locale === "es");
  const englishVoters = users.extraVoters.filter((voter) => voter.locale === "en");
  return drafts.map((draft) => {
    const demoVoterId = users.demo.voter;
    const author =
      demoVoterId && rng() < DEMO_VOTER_AUTHOR_SHARE
        ? demoVoterId
        : pick(rng, draft.language === "es" ? spanishVoters : englishVoters).id;
    // Pending questions are recent: a moderator clears the queue within a day.
    const age = draft.status === "pending" ? rng() * DAY : HOUR + rng() * (7 * DAY - HOUR);
    const createdAt = new Date(now.getTime() - age);
    const publishedAt =
      draft.status === "published"
        ? new Date(
            Math.min(createdAt.getTime() + 5 * MINUTE + rng() * 8 * HOUR, now.getTime() - MINUTE),
          )
        : null;
    return {
      id: randomUUID(),
      contest_id: draft.contestId,
      candidate_id: draft.candidateId,
      author_id: author,
      body: draft.body,
      language: draft.language,
      status: draft.status,
      created_at: createdAt,
      published_at: publishedAt,
      updated_at: publishedAt ?? createdAt,
    };
  });
}

/** Votes for published questions: a skewed number each, never from the question's author. */
function castVotes(rng: Rng, now: Date, questions: QuestionRow[], voters: Voter[]) {
  return questions.flatMap((question) => {
    if (!question.published_at) return [];
    const publishedAt = question.published_at.getTime();
    const eligible = voters.filter((voter) => voter.id !== question.author_id);
    const count = Math.min(Math.floor((MAX_VOTES + 1) * rng() ** 2.5), eligible.length);
    return shuffle(rng, eligible)
      .slice(0, count)
      .map((voter) => ({
        question_id: question.id,
        user_id: voter.id,
        created_at: new Date(publishedAt + rng() * (now.getTime() - publishedAt)),
      }));
  });
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/** Contests whose candidates have started answering. */
const ANSWERING_CONTESTS = [
  "mayor-port-alder",
  "city-council-at-large",
  "supervisor-district-1",
  "sheriff",
];
/** Of each contest's most-voted published questions, the share that has answers. */
const TOP_QUESTIONS = 10;
const ANSWERED_SHARE = 0.3;
/** Every EDITED_EVERY-th answer was edited after publishing. */
const EDITED_EVERY = 4;

/** Three answers per topic, in each language, so candidates answering one question differ. */
const ANSWERS: Partial<Record<TopicKey, Array<Record<Language, string>>>> = {
  housing: [
    {
      en: "I would fast-track permits for apartments near transit and jobs, with a firm 90-day deadline for a decision. I also want a repair fund for small landlords, so the affordable homes we already have stay on the market. Rents only come down when we build more homes, and I will report on progress every quarter.",
      es: "Agilizaría los permisos para apartamentos cerca del transporte público y de los centros de trabajo, con un plazo firme de 90 días para decidir. También quiero un fondo de reparaciones para pequeños propietarios, para que las viviendas asequibles que ya tenemos sigan en el mercado. Los alquileres solo bajan cuando se construyen más viviendas, e informaré sobre el avance cada trimestre.",
    },
    {
      en: "Housing is the issue I hear about most at the door. My first step would be to use publicly owned land, starting with the old county yard, for homes that teachers, nurses and port workers can afford. I would pair that with stronger protections for tenants against rent hikes of more than ten percent a year.",
      es: "La vivienda es el tema que más escucho cuando toco puertas. Mi primer paso sería usar terrenos públicos, empezando por el antiguo patio del condado, para viviendas que maestros, enfermeras y trabajadores del puerto puedan pagar. Lo acompañaría con mayores protecciones para los inquilinos contra aumentos de alquiler de más del diez por ciento al año.",
    },
    {
      en: "We need more homes, and help for the people who are struggling today. I support expanding emergency rental assistance and partnering with nonprofit builders on supportive housing. Every project would come with clear numbers, so residents can see what we built and what it cost.",
      es: "Necesitamos más viviendas y también ayuda para quienes tienen dificultades hoy. Apoyo ampliar la asistencia de emergencia para el alquiler y colaborar con constructores sin fines de lucro en viviendas con servicios de apoyo. Cada proyecto tendría cifras claras, para que los residentes vean qué construimos y cuánto costó.",
    },
  ],
  transit: [
    {
      en: "I would restore the two bus routes that were cut and add evening service, paid for by the state transit grant we left on the table last year. Buses every 15 minutes on the busiest corridors would take cars off Harbor Boulevard. I ride the bus to work, so I will know quickly whether it is working.",
      es: "Restablecería las dos rutas de autobús que se recortaron y agregaría servicio nocturno, financiado con la subvención estatal de transporte que dejamos pasar el año pasado. Autobuses cada 15 minutos en los corredores más transitados sacarían autos de Harbor Boulevard. Tomo el autobús para ir al trabajo, así que sabré pronto si funciona.",
    },
    {
      en: "Safe streets come first: in my first two years I would finish the missing sidewalks and protected bike lanes within half a mile of every school. We can pay for it from the road maintenance budget by doing the work when we repave. Parents should not have to choose between driving their kids and letting them walk on the shoulder.",
      es: "La seguridad en las calles es lo primero: en mis primeros dos años completaría las aceras faltantes y los carriles protegidos para bicicletas a menos de media milla de cada escuela. Podemos pagarlo con el presupuesto de mantenimiento vial, haciendo las obras cuando se repavimenta. Las familias no deberían tener que elegir entre llevar a sus hijos en auto o dejarlos caminar por el borde de la carretera.",
    },
    {
      en: "Traffic on Harbor Boulevard is a signal-timing problem as much as a road problem. I would upgrade the signals along the corridor, add a bus-only lane at rush hour, and publish travel times online so everyone can see the results.",
      es: "El tráfico en Harbor Boulevard es tanto un problema de semáforos como de carreteras. Modernizaría los semáforos del corredor, agregaría un carril exclusivo para autobuses en las horas pico y publicaría los tiempos de viaje en línea para que todos vean los resultados.",
    },
  ],
  publicSafety: [
    {
      en: "I would send trained mental health responders, not patrol officers, to calls about a crisis rather than a crime. Counties that did this freed officers for emergencies and saw fewer injuries on both sides. I would start with a pilot on weekday evenings and expand it if the numbers hold up.",
      es: "Enviaría personal capacitado en salud mental, y no agentes de patrulla, a las llamadas sobre una crisis y no sobre un delito. Los condados que lo hicieron liberaron agentes para las emergencias y registraron menos lesionados de ambos lados. Empezaría con un programa piloto entre semana por las tardes y lo ampliaría si los resultados se mantienen.",
    },
    {
      en: "Response times in the outlying areas are too slow because too few officers cover too much ground. I would fill the vacant positions first, then station a second unit in the northern hills at peak hours. I will publish response times by area every month.",
      es: "Los tiempos de respuesta en las zonas alejadas son demasiado lentos porque hay pocos agentes para un territorio muy grande. Primero cubriría las plazas vacantes y luego asignaría una segunda unidad a las colinas del norte en las horas de mayor demanda. Publicaré cada mes los tiempos de respuesta por zona.",
    },
    {
      en: "Car break-ins downtown hurt residents and small businesses alike. I would put foot patrols back on the waterfront in the evenings, improve the lighting in the public garages, and work with merchants on a shared camera program that respects privacy. Prevention costs less than cleaning up afterward.",
      es: "Los robos a autos en el centro perjudican tanto a los residentes como a los pequeños negocios. Volvería a poner patrullas a pie en el malecón por las tardes, mejoraría la iluminación de los estacionamientos públicos y trabajaría con los comerciantes en un programa de cámaras compartidas que respete la privacidad. Prevenir cuesta menos que reparar los daños.",
    },
  ],
  jobs: [
    {
      en: "The port is still our biggest employer, and I want to keep it that way by backing the terminal upgrade and the offshore wind supply work that comes with it. Any public support would be tied to local hiring and apprenticeships. Young people should be able to build a career here without leaving the county.",
      es: "El puerto sigue siendo nuestro mayor empleador y quiero que siga así, apoyando la modernización de la terminal y el trabajo de suministro para la energía eólica marina que viene con ella. Todo apoyo público estaría condicionado a la contratación local y a programas de aprendices. Los jóvenes deberían poder hacer carrera aquí sin irse del condado.",
    },
    {
      en: "Small businesses downtown need fewer hoops and more customers. I would cut permit times for new storefronts in half, waive fees for a business's first year in an empty storefront, and bring back the Friday night market.",
      es: "Los pequeños negocios del centro necesitan menos trámites y más clientes. Reduciría a la mitad el tiempo de los permisos para nuevos locales, eliminaría las tarifas durante el primer año a los negocios que ocupen un local vacío y recuperaría el mercado de los viernes por la noche.",
    },
    {
      en: "I would partner with the community college on training in the trades that the port and the hospital are struggling to fill. Employers tell me they have jobs open right now. Our job is to connect residents to them.",
      es: "Me asociaría con el colegio comunitario en la formación para los oficios que el puerto y el hospital no logran cubrir. Los empleadores me dicen que tienen vacantes ahora mismo. Nuestro trabajo es conectar a los residentes con esos empleos.",
    },
  ],
  parks: [
    {
      en: "Many of our playgrounds were built in the 1990s, and it shows. I would set a ten-year replacement schedule, starting with the neighborhoods that have waited longest, and publish it so everyone knows when their park is next.",
      es: "Muchos de nuestros parques infantiles se construyeron en los años noventa, y se nota. Establecería un calendario de renovación a diez años, empezando por los barrios que más han esperado, y lo publicaría para que todos sepan cuándo le toca a su parque.",
    },
    {
      en: "The shoreline belongs to everyone. I would require a public access path in every new waterfront development and reopen the Gull Point trail, which has been closed for three years.",
      es: "La costa es de todos. Exigiría un sendero de acceso público en cada nuevo desarrollo junto al mar y reabriría el sendero de Gull Point, que lleva tres años cerrado.",
    },
    {
      en: "Kids need safe places to go after school. I would keep recreation centers open until 8 p.m. on weekdays and share school fields with youth leagues on weekends, which costs far less than building new ones.",
      es: "Los niños necesitan lugares seguros a donde ir después de clases. Mantendría los centros recreativos abiertos hasta las 8 de la noche entre semana y compartiría las canchas escolares con las ligas juveniles los fines de semana, lo que cuesta mucho menos que construir canchas nuevas.",
    },
  ],
  budget: [
    {
      en: "I would close the deficit without cutting fire and emergency services, by reviewing every contract over $100,000 and ending the ones that do not deliver. I would also publish the whole budget online, line by line, in plain language. Residents deserve to see where their money goes.",
      es: "Cerraría el déficit sin recortar los servicios de bomberos y de emergencia, revisando cada contrato de más de 100 000 dólares y terminando los que no dan resultados. También publicaría en línea todo el presupuesto, partida por partida y en lenguaje sencillo. Los residentes merecen saber en qué se gasta su dinero.",
    },
    {
      en: "Pensions are a promise we have to keep, so we have to plan for them honestly. I would put a fixed share of every surplus toward the unfunded liability and stop using one-time money for ongoing costs.",
      es: "Las pensiones son una promesa que debemos cumplir, así que hay que planificarlas con honestidad. Destinaría una parte fija de cada superávit a reducir la deuda pendiente de las pensiones y dejaría de usar fondos únicos para gastos permanentes.",
    },
    {
      en: "Before asking anyone for new taxes, I want an independent audit of where the money goes today. I would hold budget hearings in the evenings and in every district, so working people can take part.",
      es: "Antes de pedir nuevos impuestos, quiero una auditoría independiente de en qué se gasta hoy el dinero. Haría las audiencias del presupuesto por las tardes y en cada distrito, para que las personas que trabajan puedan participar.",
    },
  ],
  wildfire: [
    {
      en: "Every neighborhood in the hills needs two ways out. I would fund the second evacuation route for Ridgecrest and the eastern canyons first, and hold a full evacuation drill every spring. We cannot wait for the next fire to find out where the bottlenecks are.",
      es: "Cada vecindario de las colinas necesita dos salidas. Financiaría primero la segunda ruta de evacuación para Ridgecrest y los cañones del este, y haría un simulacro completo de evacuación cada primavera. No podemos esperar al próximo incendio para descubrir dónde están los cuellos de botella.",
    },
    {
      en: "Clearing brush is the cheapest fire protection there is. I would expand the free chipper program, hire a seasonal fuel-reduction crew, and help older and disabled homeowners who cannot clear their own lots.",
      es: "Despejar la maleza es la protección contra incendios más barata que existe. Ampliaría el programa gratuito de trituración de ramas, contrataría una cuadrilla de temporada para reducir el combustible y ayudaría a los propietarios mayores o con discapacidad que no pueden limpiar sus terrenos.",
    },
    {
      en: "Insurers are leaving because they see risks they cannot measure. I would work with the state on grants to fire-harden homes and certify neighborhoods that meet fire-safe standards, which insurers are starting to reward with coverage.",
      es: "Las aseguradoras se están yendo porque ven riesgos que no pueden medir. Trabajaría con el estado en subvenciones para proteger las viviendas contra el fuego y certificaría los vecindarios que cumplan las normas de seguridad, algo que las aseguradoras empiezan a premiar con cobertura.",
    },
  ],
  water: [
    {
      en: "Our water is safe to drink today, but the pipes under the older neighborhoods are reaching the end of their lives. I would replace the remaining lead service lines within four years using federal infrastructure money, and post every test result online.",
      es: "Hoy nuestra agua es potable, pero las tuberías de los barrios más antiguos están llegando al final de su vida útil. Reemplazaría las tuberías de plomo que quedan en un plazo de cuatro años con fondos federales de infraestructura y publicaría en línea cada resultado de los análisis.",
    },
    {
      en: "The next drought is a matter of when, not if. I would invest in recycled water for parks and farms and expand the rebates for replacing lawns, so we keep our groundwater for drinking.",
      es: "La próxima sequía llegará; la pregunta es cuándo. Invertiría en agua reciclada para parques y cultivos y ampliaría los reembolsos por reemplazar el césped, para reservar el agua subterránea para el consumo.",
    },
    {
      en: "Rates keep going up because maintenance was put off for years and now we pay for emergencies. I would adopt a long-term repair plan, offer a discount to low-income households, and have the water board publish its spending every quarter.",
      es: "Las tarifas siguen subiendo porque el mantenimiento se aplazó durante años y ahora pagamos emergencias. Adoptaría un plan de reparaciones a largo plazo, ofrecería un descuento a los hogares de bajos ingresos y haría que la junta del agua publique sus gastos cada trimestre.",
    },
  ],
};

/** For a question on a topic with no answers above (the hand-written near-duplicates). */
const GENERAL_ANSWERS: Array<Record<Language, string>> = [
  {
    en: "Thank you for asking. It is one of the issues I hear about most from neighbors, and my plan is on my website with the costs spelled out. In short: set clear goals in the first six months, report on progress in public, and change course if it is not working.",
    es: "Gracias por su pregunta. Es uno de los temas que más escucho de los vecinos, y mi plan está en mi sitio web con los costos detallados. En resumen: fijar metas claras en los primeros seis meses, informar públicamente sobre el avance y cambiar de rumbo si no funciona.",
  },
  {
    en: "I would start by listening, with a public meeting in every neighborhood in my first three months. Then I would bring a concrete proposal, with its cost and a timeline, to a public vote.",
    es: "Empezaría por escuchar, con una reunión pública en cada barrio durante mis primeros tres meses. Luego presentaría una propuesta concreta, con su costo y un calendario, a votación pública.",
  },
  {
    en: "There is no single fix, but there are practical steps we can take right away. I would look at what has worked in similar communities, start with a pilot we can measure, and share the results openly.",
    es: "No hay una solución única, pero sí pasos prácticos que podemos dar de inmediato. Revisaría lo que ha funcionado en comunidades similares, empezaría con un programa piloto que podamos medir y compartiría los resultados abiertamente.",
  },
];

/** The demo video's captions: what the candidate says in its six seconds. */
const DEMO_CAPTIONS = `WEBVTT

00:00:00.000 --> 00:00:02.000
Thank you for the question. It is the one I hear most often at the door.

00:00:02.000 --> 00:00:04.000
My plan has three steps, each with a cost and a deadline you can hold me to.

00:00:04.000 --> 00:00:06.000
You will find the details in my written answers, and I will report on progress every quarter.
`;

interface TopQuestion {
  id: string;
  candidate_id: string | null;
  body: string;
  language: Language;
  published_at: Date;
}

/** Answers that fit a templated question, found by its subject; general ones for the rest. */
function answersFor(question: TopQuestion): Array<Record<Language, string>> {
  for (const [topic, subjects] of Object.entries(TOPICS) as Array<[TopicKey, I18n[]]>) {
    if (subjects.some((subject) => question.body.includes(subject[question.language]))) {
      return ANSWERS[topic] ?? GENERAL_ANSWERS;
    }
  }
  return GENERAL_ANSWERS;
}

/**
 * Published answers to ~30 % of the most-voted questions in a few contests, from one to three
 * candidates each (only the addressee, for a question put to one candidate); and one video
 * answer from the demo candidate, unless ffmpeg is missing.
 */
async function insertAnswers(trx: Trx, rng: Rng, now: Date, contests: SeededContest[]) {
  const rows: object[] = [];
  let video: { candidateId: string; question: TopQuestion } | undefined;
  for (const contest of contests.filter((c) => ANSWERING_CONTESTS.includes(c.seed.slug))) {
    const top: TopQuestion[] = await trx("questions")
      .where({ contest_id: contest.id, status: "published" })
      // the "top" order: most votes, then newest
      .orderBy([
        { column: "vote_count", order: "desc" },
        { column: "created_at", order: "desc" },
      ])
      .limit(TOP_QUESTIONS)
      .select("id", "candidate_id", "body", "language", "published_at");
    const demoIndex =
      contest.seed.kind === "candidate"
        ? contest.seed.candidates.findIndex((candidate) => candidate.demoAccount)
        : -1;
    const demoCandidateId = contest.candidateIds[demoIndex];
    if (demoCandidateId) {
      const question = top.find(
        (q) => q.language === "en" && (q.candidate_id ?? demoCandidateId) === demoCandidateId,
      );
      if (question) video = { candidateId: demoCandidateId, question };
    }
    const answered = shuffle(rng, top).slice(0, Math.round(top.length * ANSWERED_SHARE));
    for (const question of answered) {
      const candidates = question.candidate_id
        ? [question.candidate_id]
        : shuffle(rng, contest.candidateIds).slice(0, 1 + Math.floor(rng() * 3));
      const variants = answersFor(question);
      // consecutive variants from a random start: no two candidates give the same answer
      const first = Math.floor(rng() * variants.length);
      for (const [i, candidateId] of candidates.entries()) {
        if (video?.question === question && candidateId === video.candidateId) continue;
        rows.push({
          question_id: question.id,
          candidate_id: candidateId,
          kind: "text",
          body: variants[(first + i) % variants.length]![question.language],
          ...answerTimes(rng, now, question, rows.length),
        });
      }
    }
  }
  await trx("answers").insert(rows);
  if (video) await insertVideoAnswer(trx, rng, now, video.candidateId, video.question);
}

/** Published some time after the question; now and then edited later. */
function answerTimes(rng: Rng, now: Date, question: TopQuestion, index: number) {
  const asked = question.published_at.getTime();
  const publishedAt = new Date(asked + (0.2 + 0.6 * rng()) * (now.getTime() - asked));
  const editedAt =
    index % EDITED_EVERY === EDITED_EVERY - 1
      ? new Date(publishedAt.getTime() + rng() * (now.getTime() - publishedAt.getTime()))
      : null;
  return {
    status: "published",
    published_at: publishedAt,
    edited_at: editedAt,
    created_at: new Date(publishedAt.getTime() - 20 * MINUTE),
    updated_at: editedAt ?? publishedAt,
  };
}

/**
 * A six-second clip (ffmpeg's test pattern and a tone) made now, stored as the original, then
 * processed the way an upload is: renditions, poster, sprite, captions. In a savepoint, so a
 * failure leaves no half-made video behind.
 */
async function insertVideoAnswer(
  trx: Trx,
  rng: Rng,
  now: Date,
  candidateId: string,
  question: TopQuestion,
): Promise<void> {
  if (!(await mediaToolsAvailable())) {
    console.warn(
      "civicq seed: ffmpeg/ffprobe not found, so the demo video answer is skipped; everything else is loaded.",
    );
    return;
  }
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), "civicq-seed-"));
  try {
    const clip = path.join(work, "clip.mp4");
    // 15 frames a second keeps the seed quick; a test pattern needs no more.
    await generateTestClip(clip, { seconds: 6, width: 1280, height: 720, fps: 15 });
    await trx.transaction(async (savepoint) => {
      const videoId = await storeOriginal(
        savepoint,
        candidateId,
        fs.createReadStream(clip),
        "video/mp4",
      );
      await processVideo(savepoint, videoId);
      await attachCaptions(savepoint, videoId, DEMO_CAPTIONS);
      await savepoint("answers").insert({
        question_id: question.id,
        candidate_id: candidateId,
        kind: "video",
        video_id: videoId,
        ...answerTimes(rng, now, question, 0),
      });
    });
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function insertInChunks(trx: Trx, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx(table).insert(rows.slice(i, i + INSERT_CHUNK));
  }
}

/** "Sofía Castellanos" → "sofia-castellanos". */
function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

type Rng = () => number;

/** mulberry32: a tiny seeded PRNG, so the demo content is the same on every run. */
function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("demo seed: pick from an empty list");
  return item;
}

/** Fisher–Yates on a copy. */
function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
