'use strict';
// Plain CommonJS in ES5 syntax, so that even a very old Node can run it and
// say what is wrong instead of crashing inside a native module.

var REQUIRED = [22, 12, 0];

/** Returns null when `version` (e.g. "20.20.2") is new enough, else a one-line explanation. */
function nodeVersionProblem(version) {
  var parts = String(version).replace(/^v/, '').split('.').map(Number);
  for (var i = 0; i < 3; i++) {
    var have = parts[i] || 0;
    if (have > REQUIRED[i]) return null;
    if (have < REQUIRED[i]) {
      return (
        'qrdesk needs Node ' +
        REQUIRED.join('.') +
        ' or newer, but this is Node ' +
        String(version).replace(/^v/, '') +
        '. Run it from the project with "npm run serve" (which uses the Node 22 the project installs), or install Node 22+.'
      );
    }
  }
  return null;
}

module.exports = { nodeVersionProblem: nodeVersionProblem, REQUIRED: REQUIRED };
