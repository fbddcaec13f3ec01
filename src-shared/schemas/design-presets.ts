import { z } from 'zod';
import { Timestamp } from './common';
import { Design, DesignInput } from './design';
import { label } from './text';

/** How many presets a user can save; built-ins do not count. */
export const MAX_USER_PRESETS = 200;

export const DesignPreset = z
  .object({
    id: z.string().meta({ description: 'Stable `builtin-…` ids for built-ins; `dp_…` for saved presets.' }),
    name: z.string(),
    // A complete design: applying the preset replaces the design with this one.
    design: Design,
    builtIn: z.boolean().meta({ description: 'Shipped with qrdesk; cannot be deleted.' }),
    createdAt: Timestamp.nullable().meta({ description: 'When the preset was saved; null for built-ins.' }),
  })
  .meta({
    id: 'DesignPreset',
    description: 'A named design. `design` is complete: applying the preset replaces a design with it.',
  });
export type DesignPreset = z.output<typeof DesignPreset>;

export const DesignPresetList = z
  .object({
    data: z.array(DesignPreset).meta({ description: 'Built-ins first, then saved presets, newest first.' }),
    nextCursor: z.null().meta({ description: 'Always null: every preset is on the one page.' }),
  })
  .meta({ id: 'DesignPresetList' });

export const CreateDesignPresetInput = z
  .object({
    name: label(60, 'Name'),
    design: DesignInput,
  })
  .strict()
  .meta({
    id: 'CreateDesignPresetInput',
    description:
      '`design` takes any subset of the design fields, as for a QR code; the rest take their defaults. A logo ' +
      'must name an uploaded asset.',
  });
export type CreateDesignPresetInput = z.output<typeof CreateDesignPresetInput>;
