/**
 * Every message catalogue, merged per language. The core messages live in en.json / es.json;
 * a feature area may keep its own pair (`<area>.en.json` / `<area>.es.json`) imported here, so
 * areas grow without editing one shared file. Keys are namespaced by area and never repeated.
 */
import coreEn from "./en.json";
import coreEs from "./es.json";
import answersEn from "./answers.en.json";
import answersEs from "./answers.es.json";

export const en = { ...coreEn, ...answersEn };
export const es: Record<keyof typeof en, string> = { ...coreEs, ...answersEs };
