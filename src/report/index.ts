export { buildReport, fileLabels, type Report, type ReportInput, type FileReport } from './build.js';
export { renderReport, type RenderOptions } from './render.js';
export { ReportRecorder, type Recorded } from './recorder.js';
export { reportDirectory, type ReportOptions, type ReportRun } from './run.js';
export { explainFailure, findLaterCreator } from './explain.js';
export { annotateBaseline, touchedBy } from './annotate.js';
export type { Smell, SmellCode } from './smells.js';
