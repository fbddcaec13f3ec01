import type { BatchJob } from '../../../../src-shared/schemas/batches';
import { batchesApi } from '../../api/batches';
import { saveFile } from '../../utils/files';

/** Saves a finished job's ZIP (or label-sheet PDF) under the name the server gives it. */
export async function downloadResult(job: Pick<BatchJob, 'id' | 'output'>): Promise<void> {
  const { blob, fileName } = await batchesApi.download(job.id);
  await saveFile(blob, fileName ?? `qrdesk-${job.id}.${job.output === 'sheet' ? 'pdf' : 'zip'}`);
}

/** Saves the CSV of a job's failed rows. */
export async function downloadReport(job: Pick<BatchJob, 'id'>): Promise<void> {
  const { blob, fileName } = await batchesApi.report(job.id);
  await saveFile(blob, fileName ?? `qrdesk-${job.id}-report.csv`);
}
