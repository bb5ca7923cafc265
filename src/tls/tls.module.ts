import { Module } from '@nestjs/common';
import { TlsReloadService } from './tls-reload.service.js';

/** HTTPS certificate hot-reload; the HTTPS server itself is created by createApp (src/tls/tls-server-options.ts). */
@Module({ providers: [TlsReloadService] })
export class TlsModule {}
