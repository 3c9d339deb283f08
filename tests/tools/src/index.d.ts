/** Environment variables as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** A program outside npm that some tests start. */
export interface SystemTool {
  /** Its name as a person knows it. */
  readonly name: string;
  /** Which tests use it, as a clause ("the demo's browser test drives it"). */
  readonly usedBy: string;
  /** The Debian package that installs it. */
  readonly debianPackage: string;
  /** Where it is in `env`, or why it cannot be found. */
  locate(env: Env): { readonly path: string } | { readonly problem: string };
}

/** A tool `env` lacks: why, and the command that installs it. */
export interface MissingTool {
  readonly tool: SystemTool;
  readonly problem: string;
  readonly install: string;
}

/** A running redis-server of the test's own. */
export interface TestRedis {
  /** `redis://[:password@]127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Kills it and resolves once it has exited. */
  stop(): Promise<void>;
}

/** A running 3-master Redis Cluster of the test's own. */
export interface TestRedisCluster {
  /** `redis://127.0.0.1:<port>` of the first node: a client finds the others from it. */
  readonly url: string;
  readonly ports: readonly number[];
  /** Kills every node and resolves once all have exited. */
  stop(): Promise<void>;
}

/** redis-server, redis-cli and Chromium. */
export declare const SYSTEM_TOOLS: readonly SystemTool[];
/** `sudo apt-get install <packages>`. */
export declare function debianInstall(packages: readonly string[]): string;
/** The first executable file called `name` in `env.PATH`'s directories. */
export declare function findOnPath(name: string, env: Env): string | undefined;
/** Each tool `env` lacks. */
export declare function missingSystemTools(env: Env): MissingTool[];
/** The path of the named tool, or an Error naming what is missing and the command that installs it. */
export declare function locateSystemTool(name: string, env: Env): string;
/** Starts redis-server on a free loopback port (`requirepass` when a password is given) once it is ready. */
export declare function startRedis(options?: { readonly password?: string }): Promise<TestRedis>;
/** Starts 3 cluster-enabled redis-servers on free loopback ports, joins them, and resolves once all are ok. */
export declare function startRedisCluster(): Promise<TestRedisCluster>;
