module.exports = require('../../tools/jest-nest.cjs')('events', __dirname);
