import { deepEqual, equal, match, ok } from "node:assert/strict";
import { DOCTOR_JSON_SCHEMA } from "../../lib/doctor/schema.ts";
import { runChecks } from "../../lib/doctor/runner.ts";
import { renderJson } from "../../lib/doctor/render.ts";
import { defaultChecks } from "../../lib/doctor/checks/mod.ts";
import { DOCTOR_SCHEMA } from "../../lib/doctor/types.ts";
import { validate } from "./_json_schema.ts";
import { runShack } from "../cli/_run.ts";

const schema = DOCTOR_JSON_SCHEMA as unknown as Record<string, unknown>;

Deno.test("validate() rejects documents that break the doctor schema", () => {
  const good = {
    schema: "shack.doctor/v1",
    version: "0.1.0",
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 3,
    status: "warn",
    exitCode: 1,
    checks: [{
      name: "system.disk",
      status: "warn",
      summary: "low",
      durationMs: 1,
      details: {},
    }],
  };
  deepEqual(validate(schema, good), []);
  const bad = {
    ...good,
    schema: "shack.doctor/v2",
    exitCode: 3,
    extra: true,
    checks: [{ name: "Bad Name", status: "maybe", durationMs: -1 }],
  };
  deepEqual(validate(schema, bad), [
    '$.schema: expected "shack.doctor/v1", found "shack.doctor/v2"',
    "$.exitCode: expected one of [0,1,2,78], found 3",
    '$.checks[0]: missing required "summary"',
    '$.checks[0].name: expected to match ^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$, found "Bad Name"',
    '$.checks[0].status: expected one of ["ok","warn","fail","skip"], found "maybe"',
    "$.checks[0].durationMs: expected at least 0, found -1",
    '$: unexpected property "extra"',
  ]);
});

Deno.test("every default check's report validates against the JSON Schema", async () => {
  const report = await runChecks(defaultChecks(), {
    version: "test",
    timeoutMs: 3000,
  });
  const doc = JSON.parse(renderJson(report));
  deepEqual(validate(schema, doc), []);
  equal(doc.schema, DOCTOR_SCHEMA);
  equal(
    (schema.properties as { schema: { const: string } }).schema.const,
    DOCTOR_SCHEMA,
  );
});

Deno.test("shack doctor --schema prints the schema and docs/doctor_json.md documents every default check", async () => {
  const r = await runShack(["doctor", "--schema"]);
  equal(r.code, 0, r.stderr);
  deepEqual(JSON.parse(r.stdout), DOCTOR_JSON_SCHEMA);
  const doc = await Deno.readTextFile(
    new URL("../../docs/doctor_json.md", import.meta.url),
  );
  match(doc, /shack\.doctor\/v1/);
  for (const check of defaultChecks()) {
    ok(
      doc.includes(`\`${check.name}\``),
      `docs/doctor_json.md lacks ${check.name}`,
    );
  }
});
