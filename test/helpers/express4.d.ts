// Express 4 is installed under the alias "express4"; its API is typed here by @types/express (v5), whose types cover the calls we make.
declare module 'express4' {
  import express from 'express';
  export default express;
}
