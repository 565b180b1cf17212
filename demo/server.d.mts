// Types of the demo server for the browser tests, which are TypeScript.

/** One request that reached a collection endpoint (`/collect/...` or `/trackers/...`). */
export interface LogEntry {
  readonly seq: number;
  readonly time: string;
  readonly purpose: string;
  readonly method: string;
  readonly path: string;
}

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  /** The live log of collection hits. */
  readonly log: LogEntry[];
  /** Reports the browser posted to /csp-report. */
  readonly cspReports: unknown[];
  /** Consent receipts posted to /consent-receipts, one per receipt (by `seq` and `at`), as received. */
  readonly receipts: { readonly seq: number; readonly at: number; readonly method: string; readonly choices: Record<string, boolean> }[];
  clearLog(): void;
  clearCspReports(): void;
  clearReceipts(): void;
  close(): Promise<void>;
}

/** Starts the demo server on 127.0.0.1 (port 0: any free port). */
export function startServer(options?: { port?: number; host?: string; dist?: string }): Promise<DemoServer>;
