// How a task is bundled: scripts/bundle.mjs builds the task with it, and `npm run bench` the floor it is
// measured against (a bundle that only loads task-lib), so that both pay the same for the same code.
import { build } from 'esbuild';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

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

/**
 * The packages the task requires only at first use, by chunk: markdown-it when a run renders Markdown, the HTTP
 * client when it talks to Azure DevOps, stringify-entities at the first text with a character to escape for
 * HTML. Each name lists every module path the task imports of it.
 */
export const EMBEDDED_CHUNKS = {
  'markdown-it': ['markdown-it'],
  'html-entities': ['stringify-entities'],
  'http-client': [
    'typed-rest-client/HttpClient',
    'typed-rest-client/handlers/basiccreds',
    'typed-rest-client/handlers/bearertoken',
    'typed-rest-client/handlers/personalaccesstoken',
  ],
};

const CHUNK = 'embedded-chunk';
const CHUNK_MODULE = 'embedded-chunk-module';
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * V8 parses the whole of a script at every start, also the functions it never calls: the lazily required
 * packages (over 40 % of the bundle's code) cost every run their parse, not only the runs that use them. Each
 * chunk is bundled on its own and kept in the task's one file as a string, which V8 only scans; the first
 * require of one of its modules compiles it (`vm.compileFunction`, named `index.js#<chunk>` in stack traces;
 * its source map is written beside the bundle's). A chunk shares no package with the bundle (checked by
 * scripts/bundle.mjs), so no module exists twice. `built` collects each chunk's code, map and metafile.
 */
function embeddedChunks(built) {
  const chunkOf = new Map(
    Object.entries(EMBEDDED_CHUNKS).flatMap(([chunk, paths]) => paths.map((p) => [p, chunk])),
  );
  const packages = new Set([...chunkOf.keys()].map((p) => p.split('/')[0]));
  const filter = new RegExp(`^(${[...packages].map((p) => p.replace(/[.-]/g, '\\$&')).join('|')})(/|$)`);
  return {
    name: 'embedded-chunks',
    setup(plugin) {
      plugin.onResolve({ filter, namespace: 'file' }, (args) => {
        const chunk = chunkOf.get(args.path);
        if (chunk) return { path: args.path, namespace: CHUNK_MODULE };
        return { errors: [{ text: `${args.path} is not in EMBEDDED_CHUNKS (scripts/lib/taskBundle.mjs)` }] };
      });
      plugin.onResolve({ filter: /.*/, namespace: CHUNK_MODULE }, (args) => ({
        path: args.path,
        namespace: CHUNK,
      }));
      plugin.onLoad({ filter: /.*/, namespace: CHUNK_MODULE }, (args) => {
        const [chunk, modulePath] = [chunkOf.get(args.path), args.path].map((text) => JSON.stringify(text));
        return { contents: `module.exports = require(${chunk})[${modulePath}];`, loader: 'js' };
      });
      plugin.onLoad({ filter: /.*/, namespace: CHUNK }, async (args) => {
        const chunk = await buildChunk(args.path, EMBEDDED_CHUNKS[args.path], plugin.initialOptions, built);
        built.set(args.path, chunk);
        return { contents: chunkLoader(args.path, chunk), loader: 'js' };
      });
    },
  };
}

/**
 * Modules that a chunk's package requires when it loads but only uses in a path the task may never take, by the
 * requiring file: typed-rest-client's Util loads qs (with its own dependencies, several milliseconds of set-up
 * and three quarters of the HTTP client's code) for query strings the task never passes, and zlib for a gzipped
 * answer. Each is required at its first use; a package among them is a chunk of its own inside the chunk, so
 * that compiling the HTTP client does not parse it either.
 */
const LAZY_REQUIRES = [{ importer: /typed-rest-client[\\/]Util\.js$/, modules: ['qs', 'zlib'] }];

const LAZY = 'lazy-require';

/**
 * Stands a module of LAZY_REQUIRES with an object that requires the module at the first read of a property;
 * a package is embedded as a chunk named after it, which `built` receives like the others.
 */
function lazyRequires(built) {
  return {
    name: 'lazy-requires',
    setup(plugin) {
      for (const { importer, modules } of LAZY_REQUIRES) {
        const filter = new RegExp(`^(${modules.join('|')})$`);
        plugin.onResolve({ filter, namespace: 'file' }, (args) =>
          importer.test(args.importer)
            ? { path: args.path, namespace: LAZY, pluginData: { resolveDir: args.resolveDir } }
            : undefined,
        );
      }
      plugin.onResolve({ filter: /.*/, namespace: LAZY }, (args) =>
        builtins.has(args.path)
          ? { path: args.path, external: true }
          : { path: args.path, namespace: CHUNK, pluginData: args.pluginData },
      );
      plugin.onLoad({ filter: /.*/, namespace: LAZY }, (args) => {
        const id = JSON.stringify(args.path);
        const module = builtins.has(args.path) ? `require(${id})` : `require(${id})[${id}]`;
        return {
          contents: [
            `let loaded;`,
            `const load = () => (loaded ??= ${module});`,
            `module.exports = new Proxy({}, { get: (_, key) => load()[key] });`,
          ].join('\n'),
          pluginData: args.pluginData,
          loader: 'js',
        };
      });
      plugin.onLoad({ filter: /.*/, namespace: CHUNK }, async (args) => {
        const { initialOptions } = plugin;
        const chunk = await buildChunk(
          args.path,
          [args.path],
          initialOptions,
          built,
          args.pluginData.resolveDir,
        );
        built.set(args.path, chunk);
        return { contents: chunkLoader(args.path, chunk), loader: 'js' };
      });
    },
  };
}

/**
 * Bundles `modules` into the one CommonJS text of `chunk`, whose exports map each module path to its exports
 * (resolved from `resolveDir`, the project by default); `built` receives the chunks embedded in it.
 */
async function buildChunk(chunk, modules, options, built, resolveDir = options.absWorkingDir) {
  const entry = modules.map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`);
  const result = await build({
    stdin: { contents: `module.exports = {\n${entry.join('\n')}\n};\n`, resolveDir },
    absWorkingDir: options.absWorkingDir,
    outfile: `${chunk}.js`,
    bundle: true,
    platform: options.platform,
    target: options.target,
    format: 'cjs',
    minify: options.minify,
    legalComments: options.legalComments === 'external' ? 'external' : 'none',
    sourcemap: options.sourcemap ? 'external' : false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [lazyRequires(built)],
  });
  if (result.warnings.length > 0) throw new Error(`${chunk}: ${result.warnings[0].text}`);
  const file = (suffix) => result.outputFiles.find((f) => f.path.endsWith(`${chunk}.js${suffix}`));
  const requires = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .filter((i) => i.external)
    .map((i) => i.path);
  const unknown = requires.filter((name) => !builtins.has(name));
  if (unknown.length > 0) throw new Error(`${chunk} requires ${unknown.join(', ')}, which is not bundled`);
  return {
    code: file('').text,
    map: file('.map')?.text,
    legal: file('.LEGAL.txt')?.text ?? '',
    metafile: result.metafile,
    requires: [...new Set(requires)].sort(),
  };
}

// The module that stands for a chunk in the bundle: the chunk's code as a string, compiled when first required.
// The Node.js modules the chunk requires are named here, so that esbuild sees each require.
function chunkLoader(name, chunk) {
  const requires = chunk.requires.map(
    (id) => `    ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`,
  );
  return [
    `const { compileFunction } = require('node:vm');`,
    `const builtins = {`,
    ...requires,
    `};`,
    `const load = compileFunction(`,
    `  ${JSON.stringify(chunk.code)},`,
    `  ['exports', 'require', 'module', '__filename', '__dirname'],`,
    `  { filename: __filename + ${JSON.stringify(`#${name}`)} },`,
    `);`,
    `const chunk = { exports: {} };`,
    `load(chunk.exports, (id) => builtins[id](), chunk, __filename, __dirname);`,
    `module.exports = chunk.exports;`,
    '',
  ].join('\n');
}

/**
 * esbuild's options for one task: `entry` bundled into the one CommonJS file `outfile`, minified, the packages
 * of EMBEDDED_CHUNKS embedded as text, `performance.now()` a clock that loads nothing. `chunks` receives each
 * chunk's code, source map, legal comments and metafile (scripts/bundle.mjs accounts for them).
 */
export function taskBundleOptions(entry, outfile, chunks = new Map()) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // p-retry times its retries with `performance.now()`; see monotonicNow.mjs.
    define: { 'performance.now': 'monotonicNow' },
    inject: [fileURLToPath(new URL('./monotonicNow.mjs', import.meta.url))],
    plugins: [libResourceInEnglish, embeddedChunks(chunks)],
  };
}
