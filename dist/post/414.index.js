"use strict";exports.id=414,exports.ids=[414],exports.modules={3414:((__unused_webpack_module,__webpack_exports__,__webpack_require__)=>{__webpack_require__.r(__webpack_exports__),__webpack_require__.d(__webpack_exports__,{reportJson:()=>reportJson});function reportJson(report){const{tokens,...head}=report,headText=JSON.stringify(head,null,2),rows=tokens.map(token=>`    ${JSON.stringify(token)}`).join(`,
`);return`${headText.slice(0,-2)},
  "tokens": [${tokens.length>0?`
${rows}
  `:""}]
}
`}})};
