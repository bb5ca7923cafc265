/** NODE_ENV as the service reads it; its own file so the parsers of config sections can take it without a cycle through app-config.ts. */
export type NodeEnv = 'development' | 'test' | 'production';
