global using MessageContracts;
