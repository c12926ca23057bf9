export const id=256,ids=[256],modules={256:(module=>{module.exports=eval("require")("kerberos")})};
