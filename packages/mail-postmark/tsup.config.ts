export { default } from "../../tsup.provider.config";
