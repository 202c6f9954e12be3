// jasmine-core ships as a script that exports through `module.exports`;
// bundling it here gives GJS an ES module.
import './gjs-prelude.js';
import jasmineRequire from 'jasmine-core/lib/jasmine-core/jasmine.js';
export default jasmineRequire;
