import { BUILT_IN_PRESETS, builtInDesign } from '../../src-shared/design-presets';
import {
  MAX_USER_PRESETS,
  type CreateDesignPresetInput,
  type DesignPreset,
} from '../../src-shared/schemas/design-presets';
import { applyDesign, DEFAULT_DESIGN, storedDesign, type Design } from '../../src-shared/schemas/design';
import { AppError, notFound } from '../errors';
import { newId, toIso } from '../ids';
import type { DesignPresetRow } from '../store/design-preset-store';
import type { Store } from '../store/store';

const BUILT_INS: readonly DesignPreset[] = BUILT_IN_PRESETS.map((p) => ({
  id: p.id,
  name: p.name,
  design: builtInDesign(p),
  builtIn: true,
  createdAt: null,
}));

/** Named designs: the built-ins shipped in src-shared, then those the user saved. */
export class DesignPresetService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** A saved preset whose logo was deleted since comes back with no logo chosen (assetId null), not a broken one. */
  private toPreset(row: DesignPresetRow): DesignPreset {
    let design: Design = storedDesign(row.design);
    const assetId = design.logo?.assetId;
    if (design.logo && assetId && !this.store.assets.findMeta(assetId)) {
      design = { ...design, logo: { ...design.logo, assetId: null } };
    }
    return { id: row.id, name: row.name, design, builtIn: false, createdAt: toIso(row.created_at)! };
  }

  list(): { data: DesignPreset[]; nextCursor: null } {
    const saved = this.store.designPresets.list(MAX_USER_PRESETS).map((row) => this.toPreset(row));
    return { data: [...BUILT_INS, ...saved], nextCursor: null };
  }

  get(id: string): DesignPreset {
    const builtIn = BUILT_INS.find((p) => p.id === id);
    if (builtIn) return builtIn;
    const row = this.store.designPresets.findById(id);
    if (!row) throw notFound('Design preset');
    return this.toPreset(row);
  }

  create(input: CreateDesignPresetInput): DesignPreset {
    const assetId = input.design.logo?.assetId;
    if (assetId && !this.store.assets.findMeta(assetId)) {
      throw new AppError('VALIDATION_ERROR', `Invalid body: design.logo.assetId: no asset ${assetId}`, [
        { path: 'design.logo.assetId', message: `No asset ${assetId}; upload the logo with POST /api/v1/assets first` },
      ]);
    }
    const id = newId('dp');
    // Counted and inserted in one transaction, so two requests at once cannot both take the last place.
    this.store.transaction(() => {
      if (this.store.designPresets.count() >= MAX_USER_PRESETS) {
        throw new AppError(
          'CONFLICT',
          `You can save at most ${MAX_USER_PRESETS} design presets; delete one before saving another.`,
        );
      }
      this.store.designPresets.insert({
        id,
        name: input.name,
        design: JSON.stringify(applyDesign(DEFAULT_DESIGN, input.design)),
        created_at: this.now(),
      });
    });
    return this.get(id);
  }

  /** Deletes a saved preset; built-ins stay. */
  remove(id: string): void {
    if (BUILT_INS.some((p) => p.id === id)) {
      throw new AppError('CONFLICT', 'Built-in design presets cannot be deleted.');
    }
    if (!this.store.designPresets.remove(id)) throw notFound('Design preset');
  }
}
