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
      "deploy/aws/cdk.out/**",
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
    // Playwright fixtures take `({}, use)`: neither an empty pattern by mistake nor a React hook.
    files: ["tests/e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off", "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  // public/enhance.js runs in the browser: its globals, not Node's
  {
    files: ["public/**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "document",
          "window",
          "navigator",
          "EventSource",
          "URLSearchParams",
          "FormData",
          "fetch",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
);
