/** Names under which the worklet module registers its processors. */
export const CAPTURE_PROCESSOR = 'perfvoice-capture';
export const PLAYBACK_PROCESSOR = 'perfvoice-playback';
