// form-data's Node implementation by its path (see transport.ts): the same module as "form-data" in Node.
declare module "form-data/lib/form_data.js" {
  import FormData from "form-data";
  export default FormData;
}
