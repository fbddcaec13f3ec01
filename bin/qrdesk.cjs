#!/usr/bin/env node
'use strict';
// Checks the Node version before anything loads better-sqlite3, whose native
// binary crashes on older Nodes; then hands over to the built CLI.
var path = require('path');
var fs = require('fs');
var problem = require('./node-version.cjs').nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem + '\n');
  process.exit(1);
}
// Node 22 can cache compiled code on disk: later starts skip most of the
// parse/compile work for our bundle and its dependencies.
var nodeModule = require('module');
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
var cli = path.join(__dirname, '..', 'dist-server', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('qrdesk: the CLI is not built; run "npm run build:server" (npm install does it too).\n');
  process.exit(1);
}
import(require('url').pathToFileURL(cli).href).catch(function (err) {
  process.stderr.write('qrdesk: ' + (err && err.stack ? err.stack : String(err)) + '\n');
  process.exit(1);
});
