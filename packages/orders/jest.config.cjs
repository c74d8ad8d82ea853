module.exports = require('../../tools/jest-nest.cjs')('orders', __dirname);
