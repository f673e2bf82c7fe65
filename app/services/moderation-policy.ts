import type { Locale } from "~/lib/i18n";

/**
 * The published moderation policy: the only reasons a question may be rejected or an answer
 * hidden. Each has a stable code (stored with the decision and on a hidden answer) and its text
 * in every language, shown to moderators when they choose, on the public policy page, and to the
 * author in the email that tells them. One list, so those places can never disagree.
 */
type PolicyText = Record<Locale, { title: string; description: string }>;

export const MODERATION_POLICY = {
  off_topic: {
    en: {
      title: "Not about this election",
      description:
        "Questions must be about the contest, the candidates' positions or the measure on the ballot.",
    },
    es: {
      title: "No trata de esta elección",
      description:
        "Las preguntas deben tratar de la contienda, de las posturas de los candidatos o de la medida en la boleta.",
    },
  },
  personal_attack: {
    en: {
      title: "Insults, harassment or hate",
      description:
        "No insults, slurs, threats or attacks on anyone for who they are. Challenge positions, not people.",
    },
    es: {
      title: "Insultos, acoso u odio",
      description:
        "No se permiten insultos, amenazas ni ataques contra nadie por lo que es. Cuestione las posturas, no a las personas.",
    },
  },
  personal_information: {
    en: {
      title: "Private information",
      description:
        "No home addresses, phone numbers, private email addresses or other private details about anyone.",
    },
    es: {
      title: "Información privada",
      description:
        "No se permiten domicilios, números de teléfono, correos privados ni otros datos privados de nadie.",
    },
  },
  spam: {
    en: {
      title: "Spam or advertising",
      description: "No advertising, links to sell something, or the same text posted many times.",
    },
    es: {
      title: "Spam o publicidad",
      description:
        "No se permite publicidad, enlaces para vender algo ni el mismo texto publicado muchas veces.",
    },
  },
  false_claim: {
    en: {
      title: "Presents a false claim as fact",
      description:
        "A question may not state as fact something the election office knows to be false, such as wrong voting dates or rules.",
    },
    es: {
      title: "Presenta como hecho una afirmación falsa",
      description:
        "Una pregunta no puede afirmar como un hecho algo que la oficina electoral sabe que es falso, como fechas o reglas de votación equivocadas.",
    },
  },
  unclear: {
    en: {
      title: "Not a clear question",
      description: "We could not tell what is being asked. Ask one clear question at a time.",
    },
    es: {
      title: "No es una pregunta clara",
      description: "No pudimos entender qué se pregunta. Haga una sola pregunta clara a la vez.",
    },
  },
} as const satisfies Record<string, PolicyText>;

export type PolicyCode = keyof typeof MODERATION_POLICY;
export const POLICY_CODES = Object.keys(MODERATION_POLICY) as [PolicyCode, ...PolicyCode[]];

export function isPolicyCode(value: unknown): value is PolicyCode {
  return typeof value === "string" && Object.hasOwn(MODERATION_POLICY, value);
}

/** The rule's title in `locale`; an unknown code (a policy changed since) shows as itself. */
export function policyTitle(code: string, locale: Locale): string {
  return isPolicyCode(code) ? MODERATION_POLICY[code][locale].title : code;
}
