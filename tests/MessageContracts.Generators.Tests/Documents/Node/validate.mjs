// Validates MessageContracts' documents with the official tools (installed by NodeValidator.cs):
//   node validate.mjs asyncapi FILE...             the AsyncAPI parser (@asyncapi/parser): every diagnostic is printed
//   node validate.mjs schema SCHEMA INSTANCE...    JSON Schema 2020-12 (ajv): the schema compiles and each instance is valid
// Exit code 0 only when everything is valid; one "VALID"/"INVALID" line per file.
import { readFileSync } from 'node:fs';

const [mode, ...files] = process.argv.slice(2);
let failed = false;

if (mode === 'asyncapi') {
  const { Parser } = await import('@asyncapi/parser');
  const parser = new Parser();
  for (const file of files) {
    const { document, diagnostics } = await parser.parse(readFileSync(file, 'utf8'), { source: file });
    for (const d of diagnostics) {
      console.log(`DIAGNOSTIC severity=${d.severity} code=${d.code} path=${JSON.stringify(d.path)} ${d.message}`);
    }
    // Severity 0 is an error, 1 a warning; 2 (information) and 3 (hint) are advice.
    if (!document || diagnostics.some(d => d.severity <= 1)) {
      failed = true;
      console.log(`INVALID ${file}`);
    } else {
      console.log(`VALID ${file} version=${document.version()} channels=${document.channels().length} operations=${document.operations().length} messages=${document.messages().length}`);
    }
  }
} else if (mode === 'schema') {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true, validateFormats: false });
  const [schemaFile, ...instances] = files;
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  console.log(`VALID ${schemaFile} compiles`);
  for (const file of instances) {
    if (validate(JSON.parse(readFileSync(file, 'utf8')))) {
      console.log(`VALID ${file}`);
    } else {
      failed = true;
      console.log(`INVALID ${file} ${JSON.stringify(validate.errors)}`);
    }
  }
} else {
  console.log(`unknown mode ${mode}`);
  failed = true;
}

process.exit(failed ? 1 : 0);
