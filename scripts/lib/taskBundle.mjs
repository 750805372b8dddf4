// How a task is bundled: scripts/bundle.mjs builds the task with it, and `npm run bench` the floor it is
// measured against (a bundle that only loads task-lib), so that both pay the same for the same code.
import { createRequire } from 'node:module';

// task-lib embeds its own messages in ten languages (lib-resource.js, 64 KB of the bundle, parsed at every start).
// The bundle keeps its English messages, which task-lib falls back to in every culture: only task-lib's own
// internal messages lose their translations; the task's messages keep theirs (task.json, Strings/).
const libResourceInEnglish = {
  name: 'task-lib-messages-in-english',
  setup(plugin) {
    plugin.onLoad({ filter: /azure-pipelines-task-lib[\\/]lib-resource\.js$/ }, async (args) => {
      const { messages } = createRequire(import.meta.url)(args.path);
      return {
        contents: `module.exports = ${JSON.stringify({ messages, localizedMessages: {} })};`,
        loader: 'js',
      };
    });
  },
};

/** esbuild's options for one task: `entry` bundled into the one CommonJS file `outfile`, minified. */
export function taskBundleOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    plugins: [libResourceInEnglish],
  };
}
