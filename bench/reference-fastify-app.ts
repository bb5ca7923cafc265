import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The second reference: the same unsecured hello as bench/reference-app.ts (one route, no
 * middleware, guards, interceptors, logging or database), on NestJS + Fastify instead of Express.
 * It is a yardstick for what the HTTP layer under Nest costs, not a plan: the app itself runs on
 * Express (docs/performance.md). Started by bench/main.ts; PORT comes from the environment.
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

const app = await NestFactory.create<NestFastifyApplication>(ReferenceModule, new FastifyAdapter(), { logger: ['error'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3101), '127.0.0.1');
