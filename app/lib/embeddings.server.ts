import { config } from "./config.server";

/** Every provider produces vectors of this many dimensions (the `questions.embedding` column). */
export const EMBEDDING_DIMENSIONS = 384;

export interface EmbeddingProvider {
  readonly name: string;
  embed(text: string): Promise<number[]>;
}

/**
 * The built-in provider: works offline, with no model to download. It is the "hashing trick":
 * words, word pairs and character trigrams of the accent-folded text are hashed into a fixed
 * number of signed buckets, weighted and L2-normalised, so cosine similarity measures shared
 * wording. Good at near-duplicates (the use it serves), blind to synonyms; a model-backed
 * provider can replace it behind the same interface.
 */
export const hashingProvider: EmbeddingProvider = {
  name: "hashing",
  async embed(text) {
    return hashingEmbedding(text);
  },
};

const STOPWORDS = new Set(
  (
    "a an and are as at be by do does for from how i in is it of on or our the to what when where which who why will with would you your " +
    "de del el la las los un una y o en que por para con se su sus es al lo como qué cómo usted"
  )
    .split(" ")
    .map(fold),
);

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function hashingEmbedding(text: string): number[] {
  const vector = new Float64Array(EMBEDDING_DIMENSIONS);
  const words = fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !STOPWORDS.has(word));
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    vector[hash % EMBEDDING_DIMENSIONS]! += hash & 0x80000000 ? -weight : weight;
  };
  words.forEach((word, i) => {
    add(`w:${word}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.7);
    const padded = ` ${word} `;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
  });
  const norm = Math.hypot(...vector);
  return Array.from(vector, (value) => (norm > 0 ? value / norm : 0));
}

export function embeddingProvider(): EmbeddingProvider {
  switch (config().EMBEDDINGS_PROVIDER) {
    case "hashing":
      return hashingProvider;
  }
}
