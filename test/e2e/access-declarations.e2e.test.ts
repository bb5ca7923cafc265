import assert from 'node:assert/strict';
import { Controller, Get, Module } from '@nestjs/common';
import { after, before, describe, it } from 'node:test';
import { AccessDeclarationVerifier } from '../../src/access/route-declarations.verifier.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

@Controller({ path: 'forgotten', version: '1' })
class ForgottenController {
  @Get()
  open(): string {
    return 'this route forgot its access declaration';
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

describe('deny by default: every route declares its access', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('finds a declaration on every registered route', () => {
    const routes = t.app.get(AccessDeclarationVerifier).routes();
    assert.ok(routes.length >= 10, `only ${routes.length} routes found: the walk is broken`);
    assert.deepEqual(
      routes.filter((route) => !route.declared).map((route) => `${route.controller}.${route.handler}`),
      [],
    );
  });

  it('refuses to boot with a route that has no declaration', async () => {
    await assert.rejects(startTestApp({}, { extraModules: [ForgottenModule] }), /ForgottenController\.open/);
  });
});
