// node-mailjet's Node build by its path (see transport.ts): the same module as "node-mailjet" in Node.
declare module "node-mailjet/mailjet.node.js" {
  export * from "node-mailjet";
  export { default } from "node-mailjet";
}
