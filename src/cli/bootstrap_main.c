/* Temporary entry point while the layers are integrated. */
int main(void) { return 2; }
