// ESLint flat config: typescript-eslint's recommended rules for the tests and the build scripts, and its
// type-checked rules for the product code, which starts promises on purpose without awaiting them at once: a
// promise nobody handles, or one passed where a callback's result is ignored, must be a lint error there. The
// tests stay on the untyped rules: type-aware linting builds a program of every file it checks, and the tests
// are twice the product code, so it would double the time of `npm run lint` for rules the tests need least.
// Formatting is Prettier's job (.prettierrc.json).
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'out/',
    'coverage/',
    'build/',
    'dist/',
    'node_modules/',
    '.emulator-output/',
    'reports/',
    '.stryker-tmp/',
    // Compiled or bundled JavaScript; the hand-written scripts are *.mjs and stay linted.
    '**/*.js',
  ]),
  {
    files: ['**/*.ts', '**/*.mjs'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['tasks/PipelineWorkItem/src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      // The bundle turns `import * as fs from 'node:fs'` into a copy of every export of the module as a getter,
      // made at start in each file that has one (fs has about a hundred); a named import is a plain require.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^node:/] > ImportNamespaceSpecifier',
          message:
            "Import Node.js modules by name (import { join } from 'node:path'): see docs/performance.md.",
        },
      ],
    },
  },
  {
    // The agent runs logging commands found in a task's output: the task prints only through agentHost.ts,
    // which masks every line and makes the commands in it inert.
    files: ['tasks/PipelineWorkItem/src/**/*.ts'],
    ignores: ['tasks/PipelineWorkItem/src/agentHost.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'Print through the TaskHost (agentHost.ts).' },
        { object: 'process', property: 'stderr', message: 'Print through the TaskHost (agentHost.ts).' },
      ],
    },
  },
);
