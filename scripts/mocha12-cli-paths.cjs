// Lets StrykerJS's mocha runner load Mocha 12.
//
// @stryker-mutator/mocha-runner 9.6.1 (the last release that runs on Node.js 20) requires three of Mocha's
// CLI modules by path without an extension: lib/cli/run-helpers, lib/cli/options and lib/cli/collect-files.
// Mocha 12 ships them as .cjs files, so the plugin fails to load ("no TestRunner plugins were loaded").
// This resolves exactly those extensionless requests inside Mocha's lib/cli to the .cjs file beside them;
// every other request resolves as before. stryker.config.mjs loads it in Stryker's own process and passes it
// to the test runner processes with --require. Drop it once a mocha runner that knows .cjs supports the
// project's Node.js versions.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');

const mochaCli = path.join(path.dirname(require.resolve('mocha/package.json')), 'lib', 'cli');
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function (request, ...rest) {
  if (
    typeof request === 'string' &&
    path.isAbsolute(request) &&
    path.extname(request) === '' &&
    path.normalize(path.dirname(request)) === mochaCli &&
    !fs.existsSync(`${request}.js`) &&
    fs.existsSync(`${request}.cjs`)
  ) {
    return resolveFilename.call(this, `${request}.cjs`, ...rest);
  }
  return resolveFilename.call(this, request, ...rest);
};
