import assert from 'node:assert/strict';
import { Controller, Get, Module } from '@nestjs/common';
import { after, before, describe, it } from 'node:test';
import { Public } from '../../src/access/access.decorators.js';
import { Audited } from '../../src/access/audited.decorator.js';
import { RouteDeclarationsVerifier } from '../../src/access/route-declarations.verifier.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

@Controller({ path: 'forgotten', version: '1' })
class ForgottenController {
  @Audited('forgotten.read')
  @Get()
  open(): string {
    return 'this route forgot its access declaration';
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

@Controller({ path: 'unrecorded', version: '1' })
class UnrecordedController {
  @Public()
  @Get()
  open(): string {
    return 'this route forgot its audit declaration';
  }
}

@Module({ controllers: [UnrecordedController] })
class UnrecordedModule {}

describe('deny by default: every route declares its access', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('finds a declaration on every registered route', () => {
    const routes = t.app.get(RouteDeclarationsVerifier).routes();
    assert.ok(routes.length >= 10, `only ${routes.length} routes found: the walk is broken`);
    assert.deepEqual(
      routes.filter((route) => !route.declared).map((route) => `${route.controller}.${route.handler}`),
      [],
    );
  });

  it('refuses to boot with a route that has no declaration', async () => {
    await assert.rejects(startTestApp({}, { extraModules: [ForgottenModule] }), /access declaration.*ForgottenController\.open/);
  });

  it('finds an audit declaration (@Audited or @NotAudited) on every registered route', () => {
    const routes = t.app.get(RouteDeclarationsVerifier).routes();
    assert.deepEqual(
      routes.filter((route) => !route.audited).map((route) => `${route.controller}.${route.handler}`),
      [],
    );
  });

  it('refuses to boot with a route that has no audit declaration', async () => {
    await assert.rejects(
      startTestApp({}, { extraModules: [UnrecordedModule] }),
      /Routes without an audit declaration \(@Audited or @NotAudited\): UnrecordedController\.open/,
    );
  });
});
