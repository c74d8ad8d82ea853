module.exports = require('../../tools/jest-nest.cjs')('platform', __dirname);
