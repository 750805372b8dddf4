// ESLint flat config: typescript-eslint's recommended rules (not type-aware) for the TypeScript sources,
// tests and the build scripts. Formatting is Prettier's job (.prettierrc.json).
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
