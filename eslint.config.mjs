import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "out/", ".tools/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  {
    // Tests read JSON records whose shape their assertions check; the offline runtime (offline/) reads the SDK's
    // untyped mock-monitor protobuf requests.
    files: ["**/*.test.ts", "tests/**/*.ts", "offline/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
