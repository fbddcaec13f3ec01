export * from './formats';
export * from './gs1';
export * from './gtin';
export * from './validate';
