/**
 * Every message catalogue, merged per language. The core messages live in en.json / es.json;
 * a feature area may keep its own pair (`<area>.en.json` / `<area>.es.json`) imported here, so
 * areas grow without editing one shared file. Keys are namespaced by area and never repeated.
 */
import answersEn from "./answers.en.json";
import answersEs from "./answers.es.json";
import civicEn from "./civic.en.json";
import civicEs from "./civic.es.json";
import coreEn from "./en.json";
import coreEs from "./es.json";
import officeEn from "./office.en.json";
import officeEs from "./office.es.json";
import opendataEn from "./opendata.en.json";
import opendataEs from "./opendata.es.json";
import trustEn from "./trust.en.json";
import trustEs from "./trust.es.json";

export const en = {
  ...coreEn,
  ...answersEn,
  ...civicEn,
  ...officeEn,
  ...opendataEn,
  ...trustEn,
};
export const es: Record<keyof typeof en, string> = {
  ...coreEs,
  ...answersEs,
  ...civicEs,
  ...officeEs,
  ...opendataEs,
  ...trustEs,
};
