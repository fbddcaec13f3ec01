import { z } from 'zod';
import { Timestamp } from './common';
import { HexColor } from './design';
import { label } from './text';

export const Folder = z
  .object({
    id: z.string(),
    name: z.string(),
    color: HexColor.nullable(),
    codeCount: z.number().int().meta({ description: 'Codes in the folder, not counting the trash.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Folder' });
export type Folder = z.output<typeof Folder>;

export const CreateFolderInput = z
  .object({ name: label(60, 'Name'), color: HexColor.nullable().optional() })
  .strict()
  .meta({ id: 'CreateFolderInput' });

export const UpdateFolderInput = z
  .object({ name: label(60, 'Name').optional(), color: HexColor.nullable().optional() })
  .strict()
  .meta({ id: 'UpdateFolderInput' });
