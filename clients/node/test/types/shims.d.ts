// ioredis's declarations import this untyped module; the typecheck reads every declaration file (skipLibCheck off).
declare module "redis-errors";
