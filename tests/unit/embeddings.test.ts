import { describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS, hashingEmbedding } from "~/lib/embeddings.server";

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe("built-in embeddings (offline)", () => {
  it("are unit vectors of the column's size", () => {
    const vector = hashingEmbedding("What will you do about housing costs?");
    expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
  });

  it("rank a reworded duplicate far above an unrelated question", () => {
    const question = hashingEmbedding(
      "What will you do to lower rents and housing costs in the county?",
    );
    const duplicate = hashingEmbedding("How will you lower housing costs and rents in our county?");
    const unrelated = hashingEmbedding("Should the sheriff's office get body cameras?");
    expect(cosine(question, duplicate)).toBeGreaterThan(0.6);
    expect(cosine(question, unrelated)).toBeLessThan(0.2);
  });

  it("ignore accents and case, so Spanish questions match however they are typed", () => {
    const a = hashingEmbedding("¿Qué hará con la VIVIENDA asequible?");
    const b = hashingEmbedding("que hara con la vivienda asequible");
    expect(cosine(a, b)).toBeCloseTo(1, 6);
  });

  it("give empty text a zero vector instead of NaN", () => {
    expect(hashingEmbedding("?!").every((value) => value === 0)).toBe(true);
  });
});
