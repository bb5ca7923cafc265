import { Module } from '@nestjs/common';
import { IntrusionDetection } from './intrusion-detection.service.js';

/** Detection points and automatic blocking; mounted as middleware by configureApp. */
@Module({
  providers: [IntrusionDetection],
  exports: [IntrusionDetection],
})
export class IntrusionDetectionModule {}
