import './sourcemap-register.cjs';var __webpack_exports__ = {};
console.log('placeholder');



//# sourceMappingURL=index.js.map