exports.id=728,exports.ids=[728],exports.modules={9728:((module,__unused_webpack_exports,__webpack_require__)=>{const MemoryStorage=__webpack_require__(552);module.exports=MemoryStorage})};
