/**
 * The configuration check: the `--config` file exists, parses and matches
 * the schema.
 *
 * @module
 */

import { ConfigError, formatConfigIssue } from "../../core/config/errors.ts";
import { loadShackConfig } from "../../config.ts";
import type { Check } from "../types.ts";

/** The config-file check ("skip" when no file was given). */
export const configCheck: Check = {
  name: "config",
  description: "the --config file exists, parses and is valid",
  async run(ctx) {
    if (ctx.configPath === undefined) {
      return {
        status: "skip",
        summary: "no config file given (--config or SHACK_CONFIG)",
      };
    }
    try {
      const { warnings, format } = await loadShackConfig(ctx.configPath);
      if (warnings.length > 0) {
        return {
          status: "warn",
          summary: `${ctx.configPath}: ${warnings.length} warning${
            warnings.length === 1 ? "" : "s"
          }`,
          hint: warnings.join("\n"),
          details: { path: ctx.configPath, format, warnings },
        };
      }
      return {
        status: "ok",
        summary: `${ctx.configPath} is valid (${format})`,
        details: { path: ctx.configPath, format },
      };
    } catch (error) {
      if (error instanceof ConfigError) {
        const many = error.issues.length > 1;
        return {
          status: "fail",
          summary: many
            ? `${error.issues.length} problems in ${ctx.configPath}`
            : error.message,
          ...(many
            ? { hint: error.issues.map(formatConfigIssue).join("\n") }
            : {}),
          details: { path: ctx.configPath, issues: error.issues },
          configError: true,
        };
      }
      throw error;
    }
  },
};
