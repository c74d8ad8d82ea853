module.exports = require('../../tools/jest-nest.cjs')('allocation', __dirname);
