/**
 * The worklet module: bundled on its own into a string at build time (see build/worklet-plugin.ts)
 * and loaded lazily with audioWorklet.addModule(). Never imported by the main bundle directly.
 */
import { CaptureProcessor } from './capture.processor';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR } from './names';
import { PlaybackProcessor } from './playback.processor';

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
