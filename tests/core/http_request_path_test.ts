import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import {
  decodeRequestPath,
  isSafeSegment,
} from "../../lib/core/http/request_path.ts";

Deno.test("decodeRequestPath() decodes segments and notes the trailing slash", () => {
  deepEqual(decodeRequestPath("/"), { segments: [], trailingSlash: true });
  deepEqual(decodeRequestPath("/a/b%20c.txt"), {
    segments: ["a", "b c.txt"],
    trailingSlash: false,
  });
  deepEqual(decodeRequestPath("//a///b/"), {
    segments: ["a", "b"],
    trailingSlash: true,
  });
  deepEqual(decodeRequestPath("/caf%C3%A9/%E2%9C%93"), {
    segments: ["café", "✓"],
    trailingSlash: false,
  });
});

Deno.test("decodeRequestPath() refuses escaping and malformed paths", () => {
  for (
    const path of [
      "/../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E/x",
      "/..%2f..%2fetc/passwd",
      "/..%2F..%2Fetc/passwd",
      "/a/..",
      "/./a",
      "/%2e/a",
      "/a\\..\\b",
      "/a%5c..%5cb",
      "/x%00.html",
      "/x%0a",
      "/%",
      "/%zz",
      "/%C3",
      "relative/path",
      "",
    ]
  ) {
    equal(decodeRequestPath(path), null, path);
  }
});

Deno.test("decodeRequestPath() only returns safe segments (property)", () => {
  // Paths built from the pieces of traversal attempts, and arbitrary text.
  const pieces = fc.array(
    fc.constantFrom(
      "%2e",
      "%2E",
      ".",
      "..",
      "/",
      "\\",
      "%2f",
      "%2F",
      "%5c",
      "%00",
      "%",
      "%C3",
      "%A9",
      "a",
      "etc",
      "passwd",
      "%252e",
      "%u002e",
      "\u0000",
    ),
    { maxLength: 12 },
  ).map((parts) => parts.join(""));
  fc.assert(
    fc.property(
      fc.oneof(pieces, fc.string({ unit: "binary", maxLength: 40 })),
      (tail) => {
        const result = decodeRequestPath("/" + tail);
        if (result === null) return;
        for (const segment of result.segments) {
          ok(isSafeSegment(segment), JSON.stringify(segment));
          ok(segment !== ".." && !segment.includes("/"));
        }
      },
    ),
    { seed: 20261121, numRuns: 1000 },
  );
});

Deno.test("decodeRequestPath() round-trips encoded safe names (property)", () => {
  const name = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 })
    .filter(isSafeSegment);
  fc.assert(
    fc.property(fc.array(name, { maxLength: 5 }), (names) => {
      const path = "/" + names.map(encodeURIComponent).join("/");
      deepEqual(decodeRequestPath(path)?.segments, names);
    }),
    { seed: 42, numRuns: 500 },
  );
});

Deno.test("isSafeSegment() refuses separators, dot names and control characters", () => {
  for (
    const bad of ["", ".", "..", "a/b", "a\\b", "a\u0000", "\u001f", "\u007f"]
  ) {
    equal(isSafeSegment(bad), false, JSON.stringify(bad));
  }
  for (const good of ["a", "...", ".hidden", "a..b", "ü", "a b"]) {
    equal(isSafeSegment(good), true, good);
  }
});
