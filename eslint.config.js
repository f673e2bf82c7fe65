import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".tools/**",
      "build/**",
      "public/build/**",
      "test-results/**",
      "playwright-report/**",
      "var/**",
      "tests/.artifacts/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Routes import down (services, lib); services and lib never import routes.
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["~/routes/*", "**/routes/*"], message: "Nothing imports a route." }],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
