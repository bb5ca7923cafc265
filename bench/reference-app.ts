import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The benchmark's ceiling: an unsecured NestJS + Express app with one hello route and nothing
 * else (no middleware, guards, interceptors, logging or database). No Express route of any
 * NestJS app can be faster on the same machine, so each secured route is reported as a ratio
 * of this one (docs/performance.md). Started by bench/main.ts; PORT comes from the environment.
 */
@Controller()
class HelloController {
  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class ReferenceModule {}

const app = await NestFactory.create<NestExpressApplication>(ReferenceModule, { logger: ['error'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
