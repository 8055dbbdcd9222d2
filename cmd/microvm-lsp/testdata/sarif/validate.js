// Reads a SARIF log on stdin and checks it against the SARIF 2.1.0 JSON
// schema; prints each violation and exits 1 when there is one.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");

const pkg = path.dirname(require.resolve("@microsoft/jest-sarif/package.json"));
const schema = JSON.parse(fs.readFileSync(path.join(pkg, "lib", "schemas", "sarif-2.1.0-rtm.5.json"), "utf8"));
// The schema is draft-04, which ajv 6 knows once given its meta-schema.
const ajv = new Ajv({ schemaId: "auto", validateSchema: false, allErrors: true });
ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
const validate = ajv.compile(schema);

const log = JSON.parse(fs.readFileSync(0, "utf8"));
if (!validate(log)) {
  for (const e of validate.errors) {
    console.log(`${e.dataPath || "(root)"}: ${e.message} ${JSON.stringify(e.params)}`);
  }
  process.exit(1);
}
