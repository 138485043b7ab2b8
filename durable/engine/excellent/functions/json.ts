import { toText } from "../values/convert";
import { parseJSON, toJSON } from "../values/json";
import { XError, XFunction, text } from "../values/types";
import { define } from "./define";

export const jsonFunctions: XFunction[] = [
  define("json", 1, 1, (_env, [v]) => text(toJSON(v))),

  define("parse_json", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : parseJSON(s);
  }),
];
